// Deterministic fake leads from a seeded faker: the same seed gives the same leads, byte for byte.
import { Faker, en } from '@faker-js/faker';
import type { FieldValue } from '../domain/fields.js';

const LEAD_SOURCES = ['Website', 'Trade Show', 'Webinar', 'Partner', 'Paid Search', 'List Import'];
const STATUSES = ['New', 'Open', 'Working', 'Nurture', 'Qualified', 'Disqualified'];

/** `count` lead records (values only), numbered so emails never collide within one seed. */
export function fakeLeads(seed: number | string, count: number, offset = 0): Record<string, FieldValue>[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(typeof seed === 'number' ? seed : hashString(seed));
  const out: Record<string, FieldValue>[] = [];
  for (let i = 0; i < count; i++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const company = faker.company.name();
    const domain = faker.internet.domainName();
    out.push({
      firstName,
      lastName,
      email: `${faker.internet.username({ firstName, lastName }).toLowerCase()}.${offset + i + 1}@${domain}`,
      company,
      title: faker.person.jobTitle(),
      phone: faker.phone.number({ style: 'national' }),
      city: faker.location.city(),
      state: faker.location.state({ abbreviated: true }),
      country: 'United States',
      industry: faker.commerce.department(),
      leadSource: faker.helpers.arrayElement(LEAD_SOURCES),
      leadStatus: faker.helpers.arrayElement(STATUSES),
      leadScore: faker.number.int({ min: 0, max: 100 }),
    });
  }
  return out;
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
