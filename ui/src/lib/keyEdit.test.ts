import { describe, expect, it } from 'vitest';
import {
  dashboardAddress,
  dashboardProblem,
  findVendor,
  keyEditChanged,
  keyEditForm,
  keyEditPlan,
  keyEditProblems,
  ownerProblem,
  vendorProblems,
  vendorRequest,
  vendorSlug,
} from './keyEdit';
import type { VendorView } from './types';
import { MAILCHIMP } from './vendorTestKeys';

const VENDORS: VendorView[] = [
  { name: 'mailchimp', display_name: 'Mailchimp', dashboard_url: 'https://us21.admin.mailchimp.com/account/api/', notes: '' },
  { name: 'stripe', display_name: 'Stripe', dashboard_url: null, notes: 'Ask Finance for access' },
];

describe('the edit form of a key', () => {
  it('starts from the key as it is, naming the vendor as people know it', () => {
    expect(keyEditForm(MAILCHIMP)).toEqual({ application: 'Newsletter', notes: '', owner: 'sam@example.com', vendor: 'Mailchimp' });
  });

  it('takes a person’s name or an email address as the owner', () => {
    expect(ownerProblem('')).toBeNull();
    expect(ownerProblem('Sam Lee')).toBeNull();
    expect(ownerProblem('  sam.lee@example.org ')).toBeNull();
    expect(ownerProblem('Zoë Ångström')).toBeNull();
  });

  it('says in plain words what is wrong with an owner', () => {
    expect(ownerProblem('sam@')).toBe('That is not a complete email address. Type one like sam@example.com, or type the person’s name.');
    expect(ownerProblem('12345')).toBe('Type the name or the email address of the person responsible for this key.');
    expect(ownerProblem('Sam\u202eLee')).toMatch(/invisible or control character/);
    expect(ownerProblem('x'.repeat(101))).toBe('The owner can be at most 100 characters long.');
  });

  it('checks every field and allows line breaks only in notes', () => {
    expect(keyEditProblems({ application: 'Newsletter', notes: 'line one\nline two', owner: 'Sam', vendor: 'Mailchimp' })).toEqual({});
    const problems = keyEditProblems({ application: 'News\nletter', notes: 'n'.repeat(2001), owner: 'sam@', vendor: '!!!' });
    expect(Object.keys(problems).sort()).toEqual(['application', 'notes', 'owner', 'vendor']);
    expect(problems.vendor).toBe('Type the vendor’s name with letters or digits, for example Mailchimp.');
    expect(problems.notes).toBe('Notes can be at most 2000 characters long.');
  });

  it('knows whether anything was changed', () => {
    const before = keyEditForm(MAILCHIMP);
    expect(keyEditChanged(before, { ...before, owner: ' sam@example.com ' })).toBe(false);
    expect(keyEditChanged(before, { ...before, owner: 'Alex' })).toBe(true);
  });
});

describe('which vendor the person means', () => {
  it('finds a vendor by display name or profile name, ignoring case', () => {
    expect(findVendor('mailchimp', VENDORS)?.name).toBe('mailchimp');
    expect(findVendor('STRIPE', VENDORS)?.name).toBe('stripe');
    expect(findVendor('Twilio', VENDORS)).toBeNull();
    expect(vendorSlug('Stripe Payments (EU)')).toBe('stripe-payments-eu');
    expect(vendorSlug(' !! ')).toBeNull();
  });

  it('sends a known vendor by its profile name and makes a profile for a new one first', () => {
    const form = { application: ' Newsletter ', notes: ' hi ', owner: '', vendor: 'mailchimp' };
    expect(keyEditPlan('k1', form, VENDORS)).toEqual({
      newVendor: null,
      request: { id: 'k1', application: 'Newsletter', notes: 'hi', owner: null, vendor: 'mailchimp' },
    });
    const plan = keyEditPlan('k1', { ...form, vendor: 'Twilio SendGrid' }, VENDORS);
    expect(plan.newVendor).toEqual({ name: 'twilio-sendgrid', display_name: 'Twilio SendGrid', dashboard_url: null, notes: '' });
    expect(plan.request.vendor).toBe('twilio-sendgrid');
    expect(keyEditPlan('k1', { ...form, vendor: '  ' }, VENDORS).request.vendor).toBeNull();
  });
});

describe('a vendor’s profile', () => {
  it('keeps only secure dashboard addresses, adding https:// when none was typed', () => {
    expect(dashboardAddress('dashboard.stripe.com/apikeys')).toBe('https://dashboard.stripe.com/apikeys');
    expect(dashboardAddress('  ')).toBeNull();
    expect(dashboardProblem('dashboard.stripe.com/apikeys')).toBeNull();
    expect(dashboardProblem('http://dashboard.stripe.com')).toBe('The dashboard address must be a secure address, starting with https://.');
    expect(dashboardProblem('javascript:alert(1)')).toBe('The dashboard address must be a secure address, starting with https://.');
    expect(dashboardProblem('stripe')).toMatch(/^That is not a complete web address/);
  });

  it('needs a name and sends what was typed, trimmed', () => {
    expect(vendorProblems({ displayName: ' ', dashboardUrl: '', notes: '' })).toEqual({
      displayName: 'Type the vendor’s name as people know it, for example Mailchimp.',
    });
    expect(vendorRequest('stripe', { displayName: ' Stripe ', dashboardUrl: 'dashboard.stripe.com', notes: ' Ask Finance ' })).toEqual({
      name: 'stripe',
      display_name: 'Stripe',
      dashboard_url: 'https://dashboard.stripe.com',
      notes: 'Ask Finance',
    });
  });
});
