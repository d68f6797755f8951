import { describe, expect, it } from 'vitest';
import { formatDate } from './dates';
import { MAILCHIMP, OWN } from './vendorTestKeys';
import {
  dashboardInWords,
  deleteWording,
  flowStatusText,
  hasDashboard,
  leakSteps,
  openDashboardLabel,
  possessive,
  replacedKeyText,
  vendorLabel,
  vendorRotationSteps,
} from './vendorKeys';

const NOW = new Date('2026-11-26T12:00:00Z');

describe('who issued a key', () => {
  it('names the vendor as people know it, then by its profile name, then by the service', () => {
    expect(vendorLabel(MAILCHIMP)).toBe('Mailchimp');
    expect(vendorLabel({ ...MAILCHIMP, vendor_display_name: null })).toBe('mailchimp');
    expect(vendorLabel({ ...MAILCHIMP, vendor_display_name: null, vendor: null, service: 'twilio' })).toBe('twilio');
  });

  it('offers the dashboard button only with an address, and says where to go otherwise', () => {
    expect(hasDashboard(MAILCHIMP)).toBe(true);
    expect(openDashboardLabel(MAILCHIMP)).toBe("Open Mailchimp's dashboard");
    expect(possessive('Stripe Payments')).toBe("Stripe Payments'");
    const unknown = { ...MAILCHIMP, vendor_dashboard_url: null };
    expect(hasDashboard(unknown)).toBe(false);
    expect(hasDashboard({ vendor_dashboard_url: '  ' })).toBe(false);
    expect(dashboardInWords(unknown)).toBe(
      "Keyward does not know the address of Mailchimp's dashboard. Sign in to Mailchimp's website and look for its API keys page.",
    );
  });
});

describe('vendorRotationSteps', () => {
  it('opens the dashboard and waits for the new key while the rotation waits for it', () => {
    const steps = vendorRotationSteps({ ...MAILCHIMP, rotation: 'waiting_for_new_key' }, NOW);
    expect(steps.map((s) => [s.title, s.state])).toEqual([
      ["Open Mailchimp's dashboard", 'now'],
      ['Generate a new key there, then paste it here', 'now'],
      ["Delete the old key in Mailchimp's dashboard, then here", 'later'],
    ]);
    expect(steps[1].text).toContain("this key's service, application and owner");
  });

  it('ends on deleting the old key at the vendor, then here, with the grace date', () => {
    const old = { ...MAILCHIMP, rotation: 'waiting_for_old_key_removal' as const, replaced_by: 'k9', delete_after: '2026-12-03T12:00:00Z' };
    const steps = vendorRotationSteps(old, NOW);
    expect(steps.map((s) => s.state)).toEqual(['done', 'done', 'now']);
    expect(steps[2].text).toBe(
      `Once Newsletter works with the new key, and by ${formatDate('2026-12-03T12:00:00Z')}, delete the old key in Mailchimp's dashboard, then here. It keeps working at Mailchimp until it is deleted there.`,
    );
  });

  it('puts revoking at the vendor first for a leaked key, and never asks it to wait', () => {
    const leaked = { ...MAILCHIMP, leaked: true, rotation: 'waiting_for_new_key' as const };
    const steps = vendorRotationSteps(leaked, NOW);
    expect(steps[0].title).toBe('Revoke it at Mailchimp now');
    expect(steps[0].text).toContain('us21-4f1c9a');
    expect(steps[2].text).toMatch(/do not wait/);
  });
});

describe('what the screens say about removing a key', () => {
  it('never says deleting in Keyward stops a vendor key', () => {
    const words = deleteWording(MAILCHIMP);
    expect(words.what).toMatch(/removes its own copy/);
    expect(words.still).toBe("The key keeps working at Mailchimp until it is deleted or revoked in Mailchimp's dashboard. Keyward cannot do that for you.");
    expect(words.question).toBe("Have you deleted or revoked it in Mailchimp's dashboard?");
    expect(`${words.what} ${words.still}`).not.toMatch(/will stop working/);
  });

  it('asks nothing about a vendor for a key Keyward made, and says where it is still accepted', () => {
    const words = deleteWording(OWN);
    expect(words.question).toBeNull();
    expect(words.still).toMatch(/^If payments-api still accepts this key, remove it there too/);
  });

  it('warns that deleting a leaked key here does not stop it', () => {
    expect(deleteWording({ ...MAILCHIMP, leaked: true }).still).toMatch(/^This key leaked\. Deleting it here does not stop it/);
  });

  it('says a replaced vendor key keeps working at the vendor until deleted there', () => {
    const old = { ...MAILCHIMP, replaced_by: 'k9', rotation: 'waiting_for_old_key_removal' as const, delete_after: '2026-12-03T12:00:00Z' };
    expect(replacedKeyText(old, NOW)).toMatch(/^This old key keeps working at Mailchimp until you delete it there\. /);
    const own = { ...OWN, replaced_by: 'k9', delete_after: '2026-12-03T12:00:00Z' };
    expect(replacedKeyText(own, NOW)).toBe(
      `This old key keeps working wherever payments-api still accepts it. Once Shop website works with the new key, remove the old key from payments-api and delete it here. Keyward will remind you after ${formatDate('2026-12-03T12:00:00Z')}.`,
    );
  });
});

describe('leaks and rotations in the status', () => {
  it('lists revoking at the vendor first for a vendor key, and an immediate replacement for a Keyward key', () => {
    expect(leakSteps(MAILCHIMP)[0]).toBe("Revoke the key at Mailchimp now, in Mailchimp's dashboard: only Mailchimp can stop it from working.");
    expect(leakSteps(OWN)[0]).toBe('Keyward marks the key as leaked and makes a new key at once.');
  });

  it('says a key leaked, or that its rotation waits for the new key', () => {
    expect(flowStatusText(MAILCHIMP)).toBeNull();
    expect(flowStatusText({ ...MAILCHIMP, leaked: true })).toBe('Leaked — revoke it at Mailchimp now');
    expect(flowStatusText({ ...OWN, leaked: true })).toBe('Leaked — replace it now');
    expect(flowStatusText({ ...MAILCHIMP, leaked: true, replaced_by: 'k9' })).toBe('Leaked — replaced, delete it now');
    expect(flowStatusText({ ...MAILCHIMP, rotation: 'waiting_for_new_key' })).toBe('Rotation in progress — paste the new key');
    expect(flowStatusText({ ...MAILCHIMP, rotation: 'waiting_for_old_key_removal', replaced_by: 'k9' })).toBeNull();
  });
});
