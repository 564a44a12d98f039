// Seeded faker AEP profiles for `generate:` entries: the same seed gives the same people, numbered so emails never collide.
import { Faker, en } from '@faker-js/faker';

export interface FakeProfile {
  email: string;
  attributes: Record<string, unknown>;
}

export function fakeProfiles(seed: string, count: number, offset = 0): FakeProfile[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(hash(seed));
  return Array.from({ length: count }, (_, i) => {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const company = faker.company.name();
    return {
      email: `${firstName}.${lastName}.${offset + i + 1}@example.com`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
      attributes: { 'person.name.firstName': firstName, 'person.name.lastName': lastName, 'organization.name': company },
    };
  });
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
