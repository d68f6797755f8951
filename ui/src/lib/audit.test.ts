import { describe, expect, it } from 'vitest';
import { AUDIT_FILTERS, AUDIT_WORDS, auditSentence, auditSubject, auditWho, auditWords, filterAudit, goneKeyNotice, isProblem } from './audit';
import { formatDateTime } from './dates';
import type { AuditAction, AuditEntry } from './types';

function entry(action: AuditAction, patch: Partial<AuditEntry> = {}): AuditEntry {
  return { at: '2026-11-26T09:05:00Z', action, key_id: 'k1', key_name: 'maps-02_11_2026-09_12', detail: null, user: null, computer: null, ...patch };
}

describe('auditWords', () => {
  it('says each action in plain words', () => {
    expect(auditWords(entry('copied')).title).toBe('Secret copied');
    expect(auditWords(entry('deleted')).title).toBe('Key deleted');
    expect(auditWords(entry('reminder_sent')).title).toBe('Reminder sent');
    expect(auditWords(entry('webhook_sent')).title).toBe('Team channel message sent');
    expect(auditWords(entry('revealed')).title).toBe('Secret shown');
  });

  it('gives the reason after the words for a failed team channel message', () => {
    expect(auditWords(entry('webhook_failed', { detail: 'the chat service did not answer' }))).toEqual({
      title: 'Team channel message failed: the chat service did not answer',
      detail: null,
    });
    expect(auditWords(entry('webhook_failed', { detail: '  ' })).title).toBe('Team channel message failed');
  });

  it('gives the reason after the words for a reminder that was not shown', () => {
    const failed = entry('reminder_failed', { detail: 'no notification service is running in this desktop session' });
    expect(auditWords(failed)).toEqual({
      title: 'Reminder not shown: no notification service is running in this desktop session',
      detail: null,
    });
    expect(isProblem(failed)).toBe(true);
  });

  it('keeps other details on their own line', () => {
    expect(auditWords(entry('reminder_sent', { detail: 'Overdue' }))).toEqual({ title: 'Reminder sent', detail: 'Overdue' });
    expect(auditWords(entry('copied', { detail: '' })).detail).toBeNull();
  });

  it('has words for every action, and for one it does not know', () => {
    for (const words of Object.values(AUDIT_WORDS)) expect(words).not.toMatch(/webhook|_/i);
    expect(auditWords({ action: 'exported' as AuditAction, detail: null }).title).toBe('Other activity');
  });

  it('marks failures as problems', () => {
    expect(isProblem(entry('webhook_failed'))).toBe(true);
    expect(isProblem(entry('webhook_sent'))).toBe(false);
  });
});

describe('auditSubject and auditSentence', () => {
  it('names the key, a key that is gone, or all keys', () => {
    expect(auditSubject(entry('copied'))).toBe('maps-02_11_2026-09_12');
    expect(auditSubject(entry('deleted', { key_name: null }))).toBe('A key that no longer exists');
    expect(auditSubject(entry('webhook_sent', { key_id: null, key_name: null }))).toBe('All keys');
  });

  it('reads as one sentence', () => {
    expect(auditSentence(entry('reminder_sent', { detail: 'Overdue' }))).toBe(
      `${formatDateTime('2026-11-26T09:05:00Z')}: Reminder sent (Overdue), maps-02_11_2026-09_12`,
    );
  });

  it('names who did it and on which computer, when the entry says', () => {
    const paused = entry('snoozed', { detail: 'for 1 day', user: 'sam', computer: 'desk-7' });
    expect(auditWho(paused)).toBe('by sam on desk-7');
    expect(auditWho(entry('copied'))).toBeNull();
    expect(auditSentence(paused)).toBe(
      `${formatDateTime('2026-11-26T09:05:00Z')}: Reminders paused (for 1 day), maps-02_11_2026-09_12, by sam on desk-7`,
    );
  });
});

describe('filterAudit', () => {
  const log = (['copied', 'generated', 'webhook_failed', 'revealed', 'reminder_sent', 'deleted'] as const).map((a) => entry(a));

  it('keeps everything for "all", in order', () => {
    expect(filterAudit(log, 'all').map((e) => e.action)).toEqual(log.map((e) => e.action));
  });

  it('shows one kind of activity', () => {
    expect(filterAudit(log, 'secrets').map((e) => e.action)).toEqual(['copied', 'revealed']);
    expect(filterAudit(log, 'changes').map((e) => e.action)).toEqual(['generated', 'deleted']);
    expect(filterAudit(log, 'reminders').map((e) => e.action)).toEqual(['webhook_failed', 'reminder_sent']);
  });

  it('puts every action under exactly one kind', () => {
    for (const action of Object.keys(AUDIT_WORDS)) {
      const kinds = Object.values(AUDIT_FILTERS).filter((f) => f.actions?.includes(action as AuditAction));
      expect(kinds, action).toHaveLength(1);
    }
  });
});

describe('goneKeyNotice', () => {
  it('says when a deleted key was deleted, instead of opening nothing', () => {
    const copied = entry('copied', { at: '2026-11-20T10:00:00Z' });
    const deleted = entry('deleted', { at: '2026-11-26T09:05:00Z' });
    expect(goneKeyNotice([deleted, copied], copied)).toBe(
      `maps-02_11_2026-09_12 was deleted on ${formatDateTime('2026-11-26T09:05:00Z')}, so it cannot be opened.`,
    );
  });

  it('says the key is no longer in Keyward when no deletion was recorded', () => {
    expect(goneKeyNotice([], entry('copied', { key_name: null }))).toBe('This key is no longer in Keyward, so it cannot be opened.');
  });
});
