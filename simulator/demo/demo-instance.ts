// The demo's Marketo instance: two partitions, an AEP service, blocked fields, org mapping, and the leads the script plays against.
import type { ConfigFile } from '../config.js';
import { ADOBE_EXPERIENCE_PLATFORM } from '../domain/instance.js';
import type { FieldValue } from '../domain/fields.js';

export const DEMO_MUNCHKIN_ID = '123-ABC-456';
export const DEMO_IMS_ORG = 'D3M0A1B2C3D4E5F6A7B8C9D0@AdobeOrg';
export const DEMO_PARTITION = 'North America';
export const OTHER_PARTITION = 'EMEA';
export const AEP_SERVICE = 'Adobe Experience Platform Person Sync';
export const NEIGHBOUR_SERVICE = 'Default API service';

/** Fields whose updates from Adobe Experience Platform are blocked (fill-if-empty only). */
export const DEMO_BLOCKS: Record<string, string[]> = {
  title: [ADOBE_EXPERIENCE_PLATFORM],
  leadSource: [ADOBE_EXPERIENCE_PLATFORM],
};

/** `npm run sim -- --demo`: the instance the demo runs against (seeded leads sit in Default). */
export function demoConfig(seed: number | string = 1, defaultLeads = 200): ConfigFile {
  return {
    seed,
    instances: [
      {
        munchkinId: DEMO_MUNCHKIN_ID,
        name: 'Demo Corp',
        leads: defaultLeads,
        imsOrgId: DEMO_IMS_ORG,
        partitions: [
          { name: DEMO_PARTITION, description: 'Leads synced from Adobe Experience Platform' },
          { name: OTHER_PARTITION, description: 'European business unit' },
        ],
        workspaces: [
          { name: 'Americas', description: '', partitions: [DEMO_PARTITION, 'Default'] },
          { name: 'Europe', description: '', partitions: [OTHER_PARTITION] },
        ],
        services: [
          { name: NEIGHBOUR_SERVICE },
          {
            name: AEP_SERVICE,
            description: 'The Marketo Engage Person Sync destination',
            inputSource: ADOBE_EXPERIENCE_PLATFORM,
            permissions: ['Read-Write Person', 'Read-Only Activity'],
            workspaces: ['Americas'],
          },
        ],
        blocks: DEMO_BLOCKS,
      },
    ],
  };
}

/** A person both sides know: the AEP profile's attributes and, when Marketo already has them, the lead's values. */
export interface DemoPerson {
  email: string;
  firstName: string;
  lastName: string;
  title: string;
  city: string;
}

/** Leads the script needs in North America and EMEA, inserted after start and again after every reset. */
export function demoLeads(people: {
  matched: DemoPerson[];
  blocked: DemoPerson;
  ambiguous: DemoPerson;
  europe: DemoPerson[];
}): { partition: string; leads: Record<string, FieldValue>[] }[] {
  const lead = (p: DemoPerson, extra: Record<string, FieldValue> = {}) => ({ email: p.email, firstName: p.firstName, lastName: p.lastName, title: p.title, city: p.city, ...extra });
  return [
    {
      partition: DEMO_PARTITION,
      leads: [
        ...people.matched.map((p) => lead(p, { leadSource: 'Trade Show' })),
        lead(people.blocked, { title: 'VP Marketing', leadSource: 'Webinar' }),
        // The same email twice in the partition: a match on it is ambiguous.
        lead(people.ambiguous, { company: 'Jordan & Co' }),
        lead(people.ambiguous, { firstName: `${people.ambiguous.firstName} (2)`, company: 'Jordan Holdings' }),
      ],
    },
    { partition: OTHER_PARTITION, leads: people.europe.map((p) => lead(p, { country: 'Germany' })) },
  ];
}
