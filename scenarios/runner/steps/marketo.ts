// The `marketo` step: a direct REST call to an instance as one of its services (token from Identity), over real HTTP.
import type { MarketoCall } from '../schema.js';
import type { ApiAnswer, World } from '../world.js';
import { expectAnswer } from '../expect/api.js';
import type { Failure } from '../match.js';

/** Gets a token from the instance's Identity endpoint (Marketo hands back the same one while it lives). */
export async function tokenFor(world: World, munchkinId: string, clientId: string, clientSecret: string): Promise<string> {
  const url = new URL(`${world.baseUrl}/${munchkinId}/identity/oauth/token`);
  url.search = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
  // The whole exchange is tracked (the body is read after the headers arrive): the clock must not jump meanwhile.
  const { res, body } = await world.clock.track(
    (async () => {
      const res = await fetch(url);
      return { res, body: (await res.json()) as { access_token?: string; error_description?: string } };
    })(),
  );
  if (res.status !== 200 || !body.access_token) throw new Error(`Identity refused the credentials of the service: ${res.status} ${body.error_description ?? ''}`);
  return body.access_token;
}

/** The Identity token a call will use; a `parallel` group asks for its calls' tokens before any of them starts. */
export function tokenForCall(world: World, call: MarketoCall): Promise<string> {
  const munchkinId = (call.instance ?? world.defaultInstance).toUpperCase();
  const service = world.service(call.as, munchkinId);
  return tokenFor(world, munchkinId, service.clientId, service.clientSecret);
}

export async function callMarketo(world: World, call: MarketoCall, at: string, token?: string): Promise<{ answer: ApiAnswer; failures: Failure[] }> {
  const munchkinId = (call.instance ?? world.defaultInstance).toUpperCase();
  token ??= await tokenForCall(world, call);
  const path = call.path.startsWith('/') ? call.path : `/${call.path}`;
  const url = new URL(`${world.baseUrl}/${munchkinId}${path}`);
  for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, String(value));
  const init: RequestInit = { method: call.method, headers: { Authorization: `Bearer ${token}` } };
  if (call.body !== undefined) {
    init.body = JSON.stringify(call.body);
    init.headers = { ...init.headers, 'Content-Type': 'application/json' };
  }
  const answer = await world.clock.track(
    (async (): Promise<ApiAnswer> => {
      try {
        const res = await fetch(url, init);
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Gateway pages (413, 414, 5xx) are HTML, kept as text.
        }
        return { status: res.status, body };
      } catch (e) {
        // A dropped connection has no status; 0 says so.
        return { status: 0, body: `connection failed: ${(e as Error).cause ? String((e as Error).cause) : (e as Error).message}` };
      }
    })(),
  );
  if (call.id !== undefined) world.answers.set(call.id, answer);
  const failures = call.expect ? expectAnswer(call.expect, answer, `${at}.expect`) : [];
  return { answer, failures };
}
