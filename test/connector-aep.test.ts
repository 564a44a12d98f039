import { afterEach, describe, expect, it } from 'vitest';
import { createPlatform } from '../connector/index.js';
import { CsvAudienceError } from '../connector/aep/audiences.js';
import type { ProfileExport } from '../connector/aep/message.js';
import type { ExportTrigger, SyncEvent } from '../connector/outcomes.js';
import { connectorSim, MUNCHKIN, T0, type ConnectorSim } from './support/connector.js';

let t: ConnectorSim | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const mapping = [
  { source: 'person.name.firstName', xdmType: 'string', target: 'firstName' },
  { source: 'person.country', xdmType: 'string', target: 'country' },
] as const;
const person = (email: string, firstName: string, country: string) => ({
  identityMap: { email: [{ id: email }] },
  attributes: { person: { name: { firstName }, country } },
});

describe('activation: backfill of existing members, then streaming', () => {
  it('backfills after the configured delay with the state at that time, then exports on every documented trigger', async () => {
    t = await connectorSim();
    const platform = createPlatform({ clock: t.clock });
    platform.upsertProfile(person('ann@example.com', 'Ann', 'US'));
    platform.upsertProfile(person('bob@example.com', 'Bob', 'US'));
    platform.upsertProfile(person('chloe@example.com', 'Chloe', 'FR'));
    const us = platform.createRuleAudience({ name: 'US customers', rule: { attribute: 'person.country', equals: 'US' } });
    const sync = t.connector({ mapping: [...mapping] }, { platform });
    const phases: string[] = [];
    sync.on('activation', (e) => phases.push(`${e.phase}@${(e.at - T0) / HOUR}h${e.profiles !== undefined ? `:${e.profiles}` : ''}`));
    await sync.connect();
    const activation = sync.activate([us], { backfillDelayMs: 3 * HOUR });
    expect(activation.state).toBe('scheduled');

    // Before the backfill nothing streams; the backfill carries the latest state.
    platform.upsertProfile({ identityMap: { email: [{ id: 'ann@example.com' }] }, attributes: { person: { name: { firstName: 'Annie' } } } });
    expect(sync.counters().received).toBe(0);
    expect(await activation.backfill).toBe(2);
    await sync.drain();
    expect(t.clock.now()).toBe(T0 + 3 * HOUR);
    expect(phases).toEqual(['activated@0h', 'backfill-started@3h', 'backfill-done@3h:2', 'streaming@3h']);
    const leads = () => t!.sim.control.listLeads(MUNCHKIN).leads.map((l) => [l.email, l.firstName, l.country]);
    expect(leads()).toEqual([
      ['ann@example.com', 'Annie', 'US'],
      ['bob@example.com', 'Bob', 'US'],
    ]);

    const outcome = async (change: () => void): Promise<[string, ExportTrigger, number | undefined] | null> => {
      const before = sync.counters().received;
      change();
      await sync.drain();
      if (sync.counters().received === before) return null;
      const last = [...sync.results.values()].at(-1)!;
      return [last.status, last.trigger, last.leadId];
    };
    // A mapped attribute written with the same value is a change ("an overwrite is a change").
    expect(await outcome(() => platform.upsertProfile({ identityMap: { email: [{ id: 'ann@example.com' }] }, attributes: { 'person.country': 'US' } }))).toEqual(['updated', 'attribute', 1]);
    // An unmapped attribute is not.
    expect(await outcome(() => platform.upsertProfile({ identityMap: { email: [{ id: 'ann@example.com' }] }, attributes: { 'person.loyalty': 'gold' } }))).toBeNull();
    // Qualifying: a realized membership.
    expect(await outcome(() => platform.upsertProfile(person('chloe@example.com', 'Chloe', 'US')))).toEqual(['created', 'membership', 3]);
    // Exiting: nothing written by default.
    expect(await outcome(() => platform.upsertProfile(person('bob@example.com', 'Bob', 'DE')))).toEqual(['skipped', 'membership', undefined]);
    // Changes of a non-member are not exported.
    expect(await outcome(() => platform.upsertProfile(person('bob@example.com', 'Robert', 'DE')))).toBeNull();
    // An identity added to a member.
    expect(await outcome(() => platform.upsertProfile({ identityMap: { email: [{ id: 'ann@example.com' }, { id: 'ann.other@example.com' }] } }))).toEqual(['updated', 'identity', 1]);
    // And one removed.
    const ann = platform.profiles.findByIdentity('email', 'ann@example.com')!;
    expect(await outcome(() => platform.removeIdentity(ann.id, 'email', 'ann.other@example.com'))).toEqual(['updated', 'identity', 1]);
    // An identity of another namespace is not exported, so its change is not a trigger.
    expect(await outcome(() => platform.upsertProfile({ identityMap: { email: [{ id: 'ann@example.com' }], ecid: [{ id: '123' }] } }))).toBeNull();
    expect(leads()).toEqual([
      ['ann@example.com', 'Annie', 'US'],
      ['bob@example.com', 'Bob', 'US'],
      ['chloe@example.com', 'Chloe', 'US'],
    ]);
    expect(sync.counters()).toMatchObject({ received: 7, created: 3, updated: 3, skipped: 1, pending: 0 });
  });

  it('starts at the audience schedule start date, activates an audience once, and stops exporting once closed', async () => {
    t = await connectorSim();
    const platform = createPlatform({ clock: t.clock });
    platform.upsertProfile(person('ann@example.com', 'Ann', 'US'));
    const all = platform.createRuleAudience({ name: 'Everyone', rule: { attribute: 'person.country', exists: true } });
    const sync = t.connector({ mapping: [...mapping] }, { platform });
    await sync.connect();
    const activation = sync.activate([all.id], { startDate: new Date(T0 + DAY).toISOString(), backfillDelayMs: HOUR });
    expect(activation.backfillAt).toBe(T0 + DAY + HOUR);
    await activation.backfill;
    await sync.drain();
    expect(sync.results.get('exp-1')).toMatchObject({ status: 'created', trigger: 'backfill', receivedAt: T0 + 25 * HOUR });
    expect(() => sync.activate([all.id])).toThrow(`audience(s) ${all.id} already activated on this destination`);
    await sync.close();
    platform.upsertProfile(person('ann@example.com', 'Ann', 'CA'));
    expect(sync.counters().received).toBe(1);
    expect(activation.state).toBe('stopped');
    expect(() => sync.activate([all.id])).toThrow('activate() after close(): the connector no longer sends exports');
  });

  it('emits DSDK messages: changed audiences with their status, other memberships existing, Email identities, mapped attributes only', async () => {
    t = await connectorSim();
    const platform = createPlatform({ clock: t.clock });
    platform.upsertProfile({ identityMap: { email: [{ id: 'ann@example.com', primary: true }], ecid: [{ id: '123' }] }, attributes: { person: { country: 'US', tier: 'gold' } } });
    const us = platform.createRuleAudience({ id: 'us', name: 'US', rule: { attribute: 'person.country', equals: 'US' } });
    const gold = platform.createRuleAudience({ id: 'gold', name: 'Gold', rule: { attribute: 'person.tier', in: ['gold', 'platinum'] } });
    const messages: [ProfileExport, ExportTrigger][] = [];
    const activation = platform.activate({ push: (m, trigger) => messages.push([m, trigger]) }, [us.id, gold.id], { mappedAttributes: ['person.country', 'person.name.firstName'], backfillDelayMs: 0 });
    await activation.backfill;
    t.clock.advance(60_000);
    platform.upsertProfile({ identityMap: { email: [{ id: 'ann@example.com' }] }, attributes: { 'person.tier': 'silver' } });
    expect(messages).toEqual([
      [
        {
          segmentMembership: {
            ups: {
              us: { status: 'realized', lastQualificationTime: '2026-11-02T15:00:00.000Z' },
              gold: { status: 'realized', lastQualificationTime: '2026-11-02T15:00:00.000Z' },
            },
          },
          identityMap: { email: [{ id: 'ann@example.com', primary: true }] },
          attributes: { 'person.country': { value: 'US' }, 'person.name.firstName': {} },
        },
        'backfill',
      ],
      [
        {
          segmentMembership: {
            ups: {
              us: { status: 'existing', lastQualificationTime: '2026-11-02T15:00:00.000Z' },
              gold: { status: 'exited', lastQualificationTime: '2026-11-02T15:00:00.000Z' },
            },
          },
          identityMap: { email: [{ id: 'ann@example.com', primary: true }] },
          attributes: { 'person.country': { value: 'US' }, 'person.name.firstName': {} },
        },
        'membership',
      ],
    ]);
  });
});

describe('custom upload (CSV) audiences', () => {
  it('refuses uploads that break the header rules, with one message per problem', () => {
    const platform = createPlatform({ clock: { now: () => T0, sleep: () => new Promise(() => undefined) } });
    const refused = (spec: Parameters<typeof platform.uploadCsvAudience>[0]) => {
      try {
        platform.uploadCsvAudience(spec);
      } catch (e) {
        expect(e).toBeInstanceOf(CsvAudienceError);
        return (e as CsvAudienceError).problems;
      }
      throw new Error('accepted');
    };
    expect(refused({ name: 'x', csv: 'Email,First Name,Last-Name\na@example.com,Ann,Lee\n', identityColumn: 'Email' })).toEqual([
      "header 'First Name' contains a space or a dash; write it as First_Name (FirstName or First_Name, not First Name or First-Name)",
      "header 'Last-Name' contains a space or a dash; write it as Last_Name (FirstName or First_Name, not First Name or First-Name)",
    ]);
    const wide = Array.from({ length: 26 }, (_, i) => `C${i}`).join(',');
    expect(refused({ name: 'x', csv: `${wide}\n`, identityColumn: 'C0' })).toEqual(['the file has 26 columns; at most 25 are allowed']);
    expect(refused({ name: 'x', csv: 'Email,Tier\na@example.com\n,gold\n', identityColumn: 'Mail', ttlDays: 91, externalId: '9lives' })).toEqual([
      'ttlDays must be a whole number of days from 1 to 90 (got 91)',
      "externalId '9lives' must start with a letter, '_' or '$'",
      "identity column 'Mail' is not in the header (Email, Tier)",
      'row 2 has 1 values for 2 columns',
    ]);
    expect(refused({ name: 'x', csv: 'Email,Tier\n,gold\n', identityColumn: 'Email', ttlDays: 0 })).toEqual([
      'ttlDays must be a whole number of days from 1 to 90 (got 0)',
      "row 2 has no value in identity column 'Email'",
    ]);
    expect(platform.audiences()).toEqual([]);
  });

  it('creates profiles for unknown identities, exports members under CustomerAudienceUpload, keeps payload columns out, and exits them on expiry', async () => {
    t = await connectorSim();
    const platform = createPlatform({ clock: t.clock });
    platform.upsertProfile(person('known@example.com', 'Known', 'US'));
    const audience = platform.uploadCsvAudience({
      name: 'Event attendees',
      csv: 'Email,Tier,"Booth_Notes"\r\nknown@example.com,gold,"met at booth, ""hot"""\r\nnew@example.com,silver,\r\n',
      identityColumn: 'Email',
      ttlDays: 2,
      externalId: 'attendees_2026',
    });
    expect(audience).toMatchObject({ id: 'attendees_2026', namespace: 'CustomerAudienceUpload', payloadColumns: ['Tier', 'Booth_Notes'], ttlDays: 2, expiresAt: T0 + 2 * DAY });
    expect(platform.profiles.size).toBe(2);
    expect(audience.payload.get(platform.profiles.findByIdentity('email', 'known@example.com')!.id)).toEqual({ Tier: 'gold', Booth_Notes: 'met at booth, "hot"' });

    const sync = t.connector({ mapping: [...mapping] }, { platform });
    const exports: SyncEvent[] = [];
    sync.on('export', (e) => exports.push(e));
    await sync.connect();
    const activation = sync.activate([audience], { backfillDelayMs: HOUR });
    await activation.backfill;
    await sync.drain();
    expect([...sync.results.values()].map((r) => [r.email, r.status, r.trigger])).toEqual([
      ['known@example.com', 'created', 'backfill'],
      ['new@example.com', 'created', 'backfill'],
    ]);
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => [l.email, l.firstName ?? null, l.country ?? null])).toEqual([
      ['known@example.com', 'Known', 'US'],
      ['new@example.com', null, null],
    ]);
    expect(platform.membership(platform.profiles.findByIdentity('email', 'new@example.com')!.id, audience.id)?.status).toBe('realized');

    // The two days run out: both members exit; the default writes nothing for exits.
    await new Promise<void>((resolve) => sync.on('outcome', () => sync.counters().received === 4 && sync.counters().pending === 0 && resolve()));
    expect(t.clock.now()).toBe(T0 + 2 * DAY);
    expect([...sync.results.values()].slice(2).map((r) => [r.email, r.status, r.trigger, r.reasons[0].code, r.finishedAt])).toEqual([
      ['known@example.com', 'skipped', 'membership', 'EXIT_IGNORED', T0 + 2 * DAY],
      ['new@example.com', 'skipped', 'membership', 'EXIT_IGNORED', T0 + 2 * DAY],
    ]);
    expect(platform.members(audience.id)).toEqual([]);
    expect(exports).toHaveLength(4);
  });
});
