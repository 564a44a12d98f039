// Helpers for the connector's tests: an emulator on an auto-advancing virtual clock and a destination pointed at it.
import { createSimulator, SimClock, type Simulator, type SimulatorOptions } from '../../simulator/index.js';
import { createPersonSync, seededRandom, type DestinationConfigInput, type PersonSync, type PersonSyncDeps } from '../../connector/index.js';
import type { ProfileExport } from '../../connector/aep/message.js';

export const T0 = Date.parse('2026-11-02T15:00:00Z');
export const MUNCHKIN = '123-ABC-456';
export const ORG = '1231659F56A68A8B7F000101@AdobeOrg';
export const ALL_AEP_PERMISSIONS = ['View Destinations', 'Manage Destinations', 'Activate Destinations', 'View Profiles', 'View Segments'] as const;

export interface ConnectorSim {
  sim: Simulator;
  clock: SimClock;
  base: string;
  /** Credentials of the "Adobe Experience Platform" service the destination uses. */
  clientId: string;
  clientSecret: string;
  /** A destination config for this emulator, with overrides. */
  config(overrides?: Partial<DestinationConfigInput>): DestinationConfigInput;
  /** A destination on this emulator's clock with seeded jitter. */
  connector(overrides?: Partial<DestinationConfigInput>, deps?: PersonSyncDeps): PersonSync;
  close(): Promise<void>;
}

export interface ConnectorSimOptions extends SimulatorOptions {
  /** Permissions of the AEP service's API user (default: all). */
  permissions?: string[];
  /** Workspaces of the AEP service (default: all). */
  workspaces?: string[];
  /** The instance's Adobe Organization Mapping (default ORG; null for none). */
  imsOrgId?: string | null;
  autoAdvance?: boolean;
}

/** An emulator listening on 127.0.0.1, limits off unless asked, an auto-advancing frozen clock at T0, org mapped. */
export async function connectorSim(options: ConnectorSimOptions = {}): Promise<ConnectorSim> {
  const clock = options.clock ?? new SimClock({ start: T0, frozen: true, autoAdvance: options.autoAdvance ?? true });
  const sim = createSimulator({ seed: 1, limits: { enabled: false }, ...options, clock });
  const base = await sim.listen();
  const service = sim.control.createService(MUNCHKIN, {
    name: 'Adobe Experience Platform',
    inputSource: 'Adobe Experience Platform',
    ...(options.permissions ? { permissions: options.permissions as never } : {}),
    ...(options.workspaces ? { workspaces: options.workspaces } : {}),
  });
  const imsOrgId = options.imsOrgId === undefined ? ORG : options.imsOrgId;
  if (imsOrgId !== null) sim.control.patchInstance(MUNCHKIN, { imsOrgId });
  const config = (overrides: Partial<DestinationConfigInput> = {}): DestinationConfigInput => ({
    name: 'Person Sync test',
    munchkinId: MUNCHKIN,
    endpoint: `${base}/${MUNCHKIN}/rest`,
    identity: `${base}/${MUNCHKIN}/identity`,
    ingestionEndpoint: base,
    clientId: service.clientId,
    clientSecret: service.clientSecret,
    aep: { imsOrgId: ORG, permissions: [...ALL_AEP_PERMISSIONS] },
    ...overrides,
  });
  return {
    sim,
    clock,
    base,
    clientId: service.clientId,
    clientSecret: service.clientSecret,
    config,
    connector: (overrides = {}, deps = {}) => createPersonSync(config(overrides), { clock, random: seededRandom(7), ...deps }),
    close: () => sim.close(),
  };
}

/** A DSDK export of one profile: realized in one `ups` audience, with its Email identity and attributes. */
export function profileExport(email: string | string[], attributes: Record<string, unknown> = {}, status: 'realized' | 'exited' = 'realized'): ProfileExport {
  const emails = Array.isArray(email) ? email : [email];
  return {
    segmentMembership: { ups: { 'aud-1': { status, lastQualificationTime: '2026-11-01T10:00:00Z' } } },
    identityMap: { email: emails.map((id) => ({ id })) },
    attributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v === undefined ? {} : { value: v }])),
  };
}
