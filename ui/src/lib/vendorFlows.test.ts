import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from './api';
import { canDelete, deleteKeyAnswering, newKeyProblems, reportLeak, saveKeyEdit, saveRotatedVendorKey } from './vendorFlows';
import { MAILCHIMP, OWN } from './vendorTestKeys';

vi.mock('./api', () => ({
  saveVendor: vi.fn(async (request) => request),
  editKey: vi.fn(async () => MAILCHIMP),
  startRotation: vi.fn(async () => ({ ...MAILCHIMP, rotation: 'waiting_for_new_key' })),
  finishVendorRotation: vi.fn(async () => ({ ...MAILCHIMP, id: 'k9' })),
  markLeaked: vi.fn(async () => ({ ...MAILCHIMP, leaked: true })),
  rotateKey: vi.fn(async () => ({ key: { ...OWN, id: 'k9' }, secret: 'kwsk_new' })),
  deleteKey: vi.fn(async () => undefined),
}));

const mocked = vi.mocked(api);

beforeEach(() => vi.clearAllMocks());

describe('saving an edit', () => {
  it('makes a new vendor’s profile before the key names it', async () => {
    await saveKeyEdit('k1', { application: 'Newsletter', notes: '', owner: 'Sam', vendor: 'Brevo' }, []);
    expect(mocked.saveVendor).toHaveBeenCalledWith({ name: 'brevo', display_name: 'Brevo', dashboard_url: null, notes: '' });
    expect(mocked.editKey).toHaveBeenCalledWith({ id: 'k1', application: 'Newsletter', notes: '', owner: 'Sam', vendor: 'brevo' });
    expect(mocked.saveVendor.mock.invocationCallOrder[0]).toBeLessThan(mocked.editKey.mock.invocationCallOrder[0]);
  });

  it('leaves a known vendor’s profile alone', async () => {
    const known = [{ name: 'mailchimp', display_name: 'Mailchimp', dashboard_url: null, notes: '' }];
    await saveKeyEdit('k1', { application: '', notes: '', owner: '', vendor: 'Mailchimp' }, known);
    expect(mocked.saveVendor).not.toHaveBeenCalled();
    expect(mocked.editKey).toHaveBeenCalledWith({ id: 'k1', application: null, notes: '', owner: null, vendor: 'mailchimp' });
  });
});

describe('pasting the new key of a vendor rotation', () => {
  it('asks for both fields, and not the old key again', () => {
    expect(newKeyProblems({ credentialId: '', secret: '' }, MAILCHIMP)).toEqual({
      credentialId: 'Paste the new key’s credential ID.',
      secret: 'Paste the new key’s secret.',
    });
    expect(newKeyProblems({ credentialId: ' us21-4f1c9a ', secret: 's' }, MAILCHIMP).credentialId).toBe(
      'This is the old key’s credential ID. Paste the new key’s.',
    );
    expect(newKeyProblems({ credentialId: 'us21 new', secret: 's' }, MAILCHIMP).credentialId).toMatch(/no spaces/);
    expect(newKeyProblems({ credentialId: 'us21-new', secret: 's' }, MAILCHIMP)).toEqual({});
  });

  it('sends the trimmed credential ID and the secret as pasted, with the name left to Keyward', async () => {
    const saved = await saveRotatedVendorKey({ ...MAILCHIMP, rotation: 'waiting_for_new_key' }, { credentialId: ' us21-new ', secret: ' s3cret ' });
    expect(saved.id).toBe('k9');
    expect(mocked.startRotation).not.toHaveBeenCalled();
    expect(mocked.finishVendorRotation).toHaveBeenCalledWith({ id: 'k1', credential_id: 'us21-new', secret: ' s3cret ', name: null });
  });

  it('starts the rotation first when it was not started (or cancelled elsewhere)', async () => {
    await saveRotatedVendorKey(MAILCHIMP, { credentialId: 'us21-new', secret: 's' });
    expect(mocked.startRotation).toHaveBeenCalledWith('k1');
    expect(mocked.startRotation.mock.invocationCallOrder[0]).toBeLessThan(mocked.finishVendorRotation.mock.invocationCallOrder[0]);
  });
});

describe('reporting a leak', () => {
  it('marks a vendor key leaked and makes no key (the new one comes from the vendor)', async () => {
    const reported = await reportLeak(MAILCHIMP);
    expect(mocked.markLeaked).toHaveBeenCalledWith('k1');
    expect(mocked.rotateKey).not.toHaveBeenCalled();
    expect(reported.replacement).toBeNull();
  });

  it('replaces a Keyward key at once, after marking it leaked', async () => {
    mocked.markLeaked.mockResolvedValueOnce({ ...OWN, leaked: true });
    const reported = await reportLeak(OWN);
    expect(mocked.rotateKey).toHaveBeenCalledWith('k2');
    expect(mocked.markLeaked.mock.invocationCallOrder[0]).toBeLessThan(mocked.rotateKey.mock.invocationCallOrder[0]);
    expect(reported.replacement?.secret).toBe('kwsk_new');
  });

  it('does not replace a Keyward key twice when it was already replaced', async () => {
    mocked.markLeaked.mockResolvedValueOnce({ ...OWN, leaked: true, replaced_by: 'k8' });
    expect((await reportLeak(OWN)).replacement).toBeNull();
    expect(mocked.rotateKey).not.toHaveBeenCalled();
  });
});

describe('deleting', () => {
  it('needs the name typed and, for a vendor key, an answer about the vendor', () => {
    expect(canDelete(MAILCHIMP, MAILCHIMP.name, null)).toBe(false);
    expect(canDelete(MAILCHIMP, MAILCHIMP.name, 'not_yet')).toBe(true);
    expect(canDelete(MAILCHIMP, 'mailchimp', 'deleted')).toBe(false);
    expect(canDelete(OWN, OWN.name, null)).toBe(true);
  });

  it('tells the back end what the person answered, and nothing for a Keyward key', async () => {
    await deleteKeyAnswering(MAILCHIMP, MAILCHIMP.name, 'not_yet');
    expect(mocked.deleteKey).toHaveBeenLastCalledWith('k1', MAILCHIMP.name, false);
    await deleteKeyAnswering(MAILCHIMP, MAILCHIMP.name, 'deleted');
    expect(mocked.deleteKey).toHaveBeenLastCalledWith('k1', MAILCHIMP.name, true);
    await deleteKeyAnswering(OWN, OWN.name, null);
    expect(mocked.deleteKey).toHaveBeenLastCalledWith('k2', OWN.name, null);
    await expect(deleteKeyAnswering(MAILCHIMP, MAILCHIMP.name, null)).rejects.toThrow();
  });
});
