import { describe, expect, it } from 'vitest';
import { FieldProblems } from './fieldProblems.svelte';

type Field = 'application' | 'owner' | 'notes';
const ORDER: readonly Field[] = ['application', 'owner', 'notes'];

function recorded() {
  const focused: string[] = [];
  return { focused, problems: new FieldProblems<Field>(ORDER, 'edit-', (id) => focused.push(id)) };
}

describe('the problems of a dialog’s fields', () => {
  it('let the form be saved when there are none, and move focus nowhere', async () => {
    const { focused, problems } = recorded();
    expect(await problems.accept({}), 'no problem: save').toBe(true);
    expect(focused).toEqual([]);
    expect(problems.first()).toBeUndefined();
  });

  it('stop the save and focus the first field with a problem in the order shown, not in the order found', async () => {
    const { focused, problems } = recorded();
    const found = { notes: 'Notes are too long.', owner: 'Type a name or an email address.' };
    expect(await problems.accept(found), 'a problem: do not save').toBe(false);
    expect(focused, 'Owner comes before Notes in the dialog').toEqual(['edit-owner']);
    expect(problems.problems).toEqual(found);
  });

  it('give each field its id and problem, and forget a field’s problem when it is typed in', async () => {
    const { problems } = recorded();
    await problems.accept({ owner: 'Type a name or an email address.', notes: 'Notes are too long.' });
    const owner = problems.field('owner');
    expect(owner.id).toBe('edit-owner');
    expect(owner.problem).toBe('Type a name or an email address.');
    expect(problems.field('application').problem, 'a field with no problem shows none').toBeUndefined();
    owner.oninput();
    expect(problems.field('owner').problem, 'typing clears that field’s problem').toBeUndefined();
    expect(problems.field('notes').problem, 'and only that one').toBe('Notes are too long.');
    expect(problems.first()).toBe('notes');
  });

  it('replace the last problems when the form is checked again', async () => {
    const { problems } = recorded();
    await problems.accept({ application: 'Too long.' });
    expect(await problems.accept({})).toBe(true);
    expect(problems.field('application').problem, 'a fixed field shows no stale problem').toBeUndefined();
  });
});
