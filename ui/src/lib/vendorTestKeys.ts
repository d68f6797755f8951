/** Keys for the vendor-flow tests (not shipped: only the tests import this). */
import type { KeyView } from './types';

export const MAILCHIMP: KeyView = {
  id: 'k1',
  name: 'mailchimp-01_08_2026-09_30',
  service: 'mailchimp',
  application: 'Newsletter',
  credential_id: 'us21-4f1c9a',
  notes: '',
  created_at: '2026-08-01T09:30:00Z',
  rotate_by: '2026-11-01T09:30:00Z',
  age_days: 117,
  status: 'overdue',
  days_until_due: -25,
  last_copied_at: null,
  last_revealed_at: null,
  replaced_by: null,
  delete_after: null,
  snoozed_until: null,
  issuer: 'vendor',
  vendor: 'mailchimp',
  vendor_display_name: 'Mailchimp',
  vendor_dashboard_url: 'https://us21.admin.mailchimp.com/account/api/',
  owner: 'sam@example.com',
  leaked: false,
  leaked_at: null,
  rotation: null,
  replaced_by_name: null,
};

export const OWN: KeyView = {
  ...MAILCHIMP,
  id: 'k2',
  name: 'payments-api-01_08_2026-09_30',
  service: 'payments-api',
  application: 'Shop website',
  credential_id: 'kwid_abc',
  issuer: 'keyward',
  vendor: null,
  vendor_display_name: null,
  vendor_dashboard_url: null,
};
