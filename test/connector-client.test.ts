import { describe, expect, it } from 'vitest';
import { seededRandom } from '../connector/clock.js';
import { MarketoClient } from '../connector/marketo/client.js';
import { T0 } from './support/connector.js';

/** A client whose fetch answers from `pages` (by nextPageToken, '' for the first page) and records the URLs asked. */
function clientWith(pages: Record<string, object>) {
  const asked: string[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    asked.push(url.pathname + url.search);
    if (url.pathname.endsWith('/oauth/token')) return Response.json({ access_token: 'tok', expires_in: 3600 });
    const page = pages[url.searchParams.get('nextPageToken') ?? ''];
    return Response.json({ requestId: 'r#1', success: true, ...page });
  }) as typeof fetch;
  const client = new MarketoClient({
    munchkinId: '123-ABC-456',
    endpoint: 'http://marketo.test/rest',
    identity: 'http://marketo.test/identity',
    ingestionEndpoint: 'http://marketo.test',
    clientId: 'id',
    clientSecret: 'secret',
    pacing: { callsPerWindow: 100, windowMs: 20_000, concurrent: 10, marginMs: 0 },
    retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxThrottled: 1 },
    requestTimeoutMs: 1_000,
    clock: { now: () => T0, sleep: async () => undefined },
    random: seededRandom(1),
    fetch: fetchFn,
  });
  return { client, asked };
}

describe('Get Leads by Filter Type paging', () => {
  it('follows nextPageToken when Marketo sends it without moreResult, until a page comes without one', async () => {
    const { client, asked } = clientWith({
      '': { result: [{ id: 1 }, { id: 2 }], nextPageToken: 'P2' },
      P2: { result: [{ id: 3 }] },
    });
    const leads = await client.getLeadsByFilterType('email', ['a@example.com'], ['email']);
    expect(leads.map((l) => l.id)).toEqual([1, 2, 3]);
    expect(asked.filter((u) => u.includes('leads.json'))).toHaveLength(2);
  });

  it('stops on moreResult: false, and on a token that repeats', async () => {
    const done = clientWith({ '': { result: [{ id: 1 }], moreResult: false, nextPageToken: 'P2' }, P2: { result: [{ id: 9 }] } });
    expect((await done.client.getLeadsByFilterType('email', ['a@example.com'], ['email'])).map((l) => l.id)).toEqual([1]);
    const loop = clientWith({ '': { result: [{ id: 1 }], moreResult: true, nextPageToken: 'P2' }, P2: { result: [{ id: 2 }], moreResult: true, nextPageToken: 'P2' } });
    expect((await loop.client.getLeadsByFilterType('email', ['a@example.com'], ['email'])).map((l) => l.id)).toEqual([1, 2]);
  });
});
