// The demo's people from a seeded faker: who is already a lead, who is already in the audience, who arrives later.
import { Faker, en } from '@faker-js/faker';
import { Random } from '../domain/random.js';
import type { DemoPerson } from './demo-instance.js';

export interface DemoCast {
  /** In the audience at activation, already a North America lead: the backfill updates them. */
  backfillMatched: DemoPerson[];
  /** In the audience at activation, unknown to Marketo: the backfill creates them. */
  backfillNew: DemoPerson[];
  /** Qualifies later; unknown to Marketo. */
  newcomer: DemoPerson;
  /** Qualifies later; already a North America lead (a duplicate match). */
  returning: DemoPerson;
  /** Qualifies later with a new job title; the lead's title is blocked for AEP. */
  blocked: DemoPerson;
  /** Qualifies later; two North America leads share the email. */
  ambiguous: DemoPerson;
  /** EMEA leads (not in AEP): the other partition is never touched. */
  europe: DemoPerson[];
}

/** Hands out people one after another from a seeded faker (the same seed gives the same people). */
export class PeopleSource {
  private readonly faker: Faker;
  private n = 0;

  constructor(seed: number | string) {
    this.faker = new Faker({ locale: [en] });
    this.faker.seed(typeof seed === 'number' ? seed : new Random(seed).int(2 ** 32));
  }

  next(): DemoPerson {
    const f = this.faker;
    const firstName = f.person.firstName();
    const lastName = f.person.lastName();
    this.n++;
    const local = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
    return { email: `${local}.${this.n}@${f.internet.domainName()}`, firstName, lastName, title: f.person.jobTitle(), city: f.location.city() };
  }

  city(): string {
    return this.faker.location.city();
  }

  firstName(): string {
    return this.faker.person.firstName();
  }

  /** A float in [0, 1) from the same seeded source. */
  chance(): number {
    return this.faker.number.float({ min: 0, max: 1, fractionDigits: 6 });
  }

  cast(): DemoCast {
    const many = (count: number) => Array.from({ length: count }, () => this.next());
    return {
      backfillMatched: many(3),
      backfillNew: many(3),
      newcomer: this.next(),
      returning: this.next(),
      blocked: this.next(),
      ambiguous: this.next(),
      europe: many(4),
    };
  }
}
