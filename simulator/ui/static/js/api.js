// Talks to the emulator: the control plane (/__sim/...) and the dashboard API (/__sim/ui/api/...), with the admin token if given.

const params = new URLSearchParams(location.search);
const adminToken = params.get('admin_token');
/** `/__sim` — derived from where the page is served, so the dashboard works behind any prefix. */
export const SIM_BASE = location.pathname.replace(/\/ui\/?(index\.html)?$/, '');
export const UI_API = `${SIM_BASE}/ui/api`;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (adminToken) headers['x-sim-admin-token'] = adminToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, (data && data.message) || `${method} ${path} answered ${res.status}`);
  return data;
}

/** The live stream URL (EventSource cannot send headers, so the token goes in the query). */
export function eventsUrl() {
  return `${UI_API}/events${adminToken ? `?admin_token=${encodeURIComponent(adminToken)}` : ''}`;
}

export const enc = encodeURIComponent;
