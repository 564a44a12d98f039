// AEP profiles: an identity map and nested XDM attributes; an upsert reports which attributes and identities it touched.
import type { IdentityEntry } from './message.js';

export type XdmObject = { [key: string]: XdmValue };
export type XdmValue = string | number | boolean | null | XdmValue[] | XdmObject;

export interface Profile {
  /** The platform's own id (`profile-1`); exports carry identities, not this id. */
  id: string;
  identityMap: Record<string, IdentityEntry[]>;
  attributes: XdmObject;
}

export interface ProfileInput {
  identityMap: Record<string, IdentityEntry[]>;
  /** Nested XDM (`{person: {name: {firstName: 'Ann'}}}`) or flat dotted paths (`{'person.name.firstName': 'Ann'}`). */
  attributes?: Record<string, XdmValue>;
}

export interface ProfileChange {
  profile: Profile;
  created: boolean;
  /** Leaf paths written by this upsert, whether or not the value changed ("an overwrite is a change"). */
  writtenPaths: string[];
  /** Namespaces whose identities were added or removed. */
  identityNamespaces: string[];
}

/** Reads a dotted path from nested XDM; `undefined` when absent. */
export function getPath(object: XdmObject, path: string): XdmValue | undefined {
  let value: XdmValue | undefined = object;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = value[key];
  }
  return value;
}

function setPath(object: XdmObject, path: string, value: XdmValue): void {
  const keys = path.split('.');
  let node = object;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as XdmObject;
  }
  node[keys[keys.length - 1]] = value;
}

/** Leaf paths of nested XDM, with dotted keys expanded (`{'a.b': 1}` and `{a: {b: 1}}` give `a.b`). */
export function leafPaths(attributes: Record<string, XdmValue>, prefix = ''): [string, XdmValue][] {
  const out: [string, XdmValue][] = [];
  for (const [key, value] of Object.entries(attributes)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) out.push(...leafPaths(value, path));
    else out.push([path, value]);
  }
  return out;
}

const identityKey = (namespace: string, id: string) => `${namespace.toLowerCase()}:${namespace.toLowerCase() === 'email' ? id.trim().toLowerCase() : id}`;

/** The profile store: profiles merge when an upsert shares an identity with them (a tiny identity graph). */
export class ProfileStore {
  private readonly profiles = new Map<string, Profile>();
  private readonly byIdentity = new Map<string, string>();
  private nextId = 1;

  get(id: string): Profile | undefined {
    return this.profiles.get(id);
  }

  all(): Profile[] {
    return [...this.profiles.values()];
  }

  get size(): number {
    return this.profiles.size;
  }

  findByIdentity(namespace: string, id: string): Profile | undefined {
    const profileId = this.byIdentity.get(identityKey(namespace, id));
    return profileId ? this.profiles.get(profileId) : undefined;
  }

  /** Creates or updates the profile holding any of the given identities; new identities are added to it. */
  upsert(input: ProfileInput): ProfileChange {
    const entries = Object.entries(input.identityMap).flatMap(([ns, list]) => list.map((e) => [ns, e] as const));
    if (entries.length === 0) throw new Error('a profile needs at least one identity in identityMap');
    let profile: Profile | undefined;
    for (const [ns, entry] of entries) {
      profile = this.findByIdentity(ns, entry.id);
      if (profile) break;
    }
    const created = !profile;
    if (!profile) {
      profile = { id: `profile-${this.nextId++}`, identityMap: {}, attributes: {} };
      this.profiles.set(profile.id, profile);
    }
    const identityNamespaces = new Set<string>();
    for (const [ns, entry] of entries) {
      const list = (profile.identityMap[ns] ??= []);
      const existing = list.find((e) => identityKey(ns, e.id) === identityKey(ns, entry.id));
      if (existing) {
        if (entry.primary !== undefined && existing.primary !== entry.primary) {
          existing.primary = entry.primary;
          identityNamespaces.add(ns);
        }
        continue;
      }
      list.push({ ...entry });
      this.byIdentity.set(identityKey(ns, entry.id), profile.id);
      identityNamespaces.add(ns);
    }
    const writtenPaths: string[] = [];
    for (const [path, value] of leafPaths(input.attributes ?? {})) {
      setPath(profile.attributes, path, value);
      writtenPaths.push(path);
    }
    return { profile, created, writtenPaths, identityNamespaces: [...identityNamespaces] };
  }

  /** Removes one identity from a profile (an identity graph change). */
  removeIdentity(profileId: string, namespace: string, id: string): ProfileChange {
    const profile = this.profiles.get(profileId);
    if (!profile) throw new Error(`no profile ${profileId}`);
    const list = profile.identityMap[namespace] ?? [];
    const kept = list.filter((e) => identityKey(namespace, e.id) !== identityKey(namespace, id));
    const removed = kept.length !== list.length;
    if (removed) {
      profile.identityMap[namespace] = kept;
      this.byIdentity.delete(identityKey(namespace, id));
    }
    return { profile, created: false, writtenPaths: [], identityNamespaces: removed ? [namespace] : [] };
  }
}
