import type { components } from '@/lib/api/schema';

type Schemas = components['schemas'];

export function aMe(overrides: Partial<Schemas['Me']> = {}): Schemas['Me'] {
  return {
    id: '0b4f7c1e-1111-4c9a-9d1e-000000000001',
    email: 'claire.moreau@moreau.example',
    display_name: 'Claire Moreau',
    locale: 'en',
    notifications: { request_updates: true, appointments: true, reports: false },
    calendar_feed_enabled: false,
    access: [
      {
        customer_id: '0b4f7c1e-2222-4c9a-9d1e-000000000002',
        customer_name: 'Boulangeries Martin',
        all_locations: true,
        can_submit_requests: true,
        can_view_reports: true,
        can_download_attachments: false,
      },
    ],
    ...overrides,
  };
}

export function aLocation(overrides: Partial<Schemas['LocationDto']> = {}): Schemas['LocationDto'] {
  return {
    id: '0b4f7c1e-3333-4c9a-9d1e-000000000003',
    name: 'Lyon Part-Dieu store',
    address: '17 rue du Docteur Bouchut',
    city: 'Lyon',
    postal_code: '69003',
    country: 'FR',
    timezone: 'Europe/Paris',
    customer_id: '0b4f7c1e-2222-4c9a-9d1e-000000000002',
    customer_name: 'Boulangeries Martin',
    can_submit_requests: true,
    can_view_reports: true,
    can_download_attachments: false,
    ...overrides,
  };
}

export function anInvitation(overrides: Partial<Schemas['InvitationPreview']> = {}): Schemas['InvitationPreview'] {
  return {
    email: 'claire.moreau@moreau.example',
    display_name: 'Claire Moreau',
    locale: 'en',
    customers: ['Boulangeries Martin'],
    expires_at: '2030-01-15T09:30:00Z',
    ...overrides,
  };
}
