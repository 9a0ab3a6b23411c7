/** The desired-state model the planner and the policy engine consume. */
import type { SourceLocation } from '../diagnostics.js';
import type { JsonObject } from '../state/types.js';
import type { SourceIndex } from '../source/index.js';
import type { OrderableKind } from './kinds.js';

export interface ResourceSource extends SourceLocation {
  /** 0-based index of the document in its file, to find positions inside it later. */
  document: number;
}

export interface DesiredResource {
  /** `Kind/name`. */
  address: string;
  kind: OrderableKind;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /**
   * Normalized spec: profile applied (resource fields win), defaults filled in (computer_name,
   * enterprise_project_id, billing period and renewal). Compared with the recorded spec by the planner.
   */
  spec: JsonObject;
  /** Payment instruction for orders of this resource (`extend_param.is_auto_pay`); not part of the spec. */
  autoPay: boolean;
  /** The DesktopProfile applied, if any. */
  profile?: string;
  /** Where the document starts. */
  source: ResourceSource;
  /** Spec fields whose value came from the profile, to point diagnostics at the profile's line. */
  fromProfile?: ReadonlySet<string>;
}

export interface DesiredProfile {
  name: string;
  spec: JsonObject;
  source: ResourceSource;
}

export interface DesiredState {
  /** Orderable resources, sorted by kind (dependency order) then name. */
  resources: DesiredResource[];
  byAddress: ReadonlyMap<string, DesiredResource>;
  profiles: ReadonlyMap<string, DesiredProfile>;
  /** sha256 over every address, normalized spec, payment setting, labels and annotations: what a saved plan is bound to. Computed on first read. */
  digest: string;
  /** Files read, relative to the repository root. */
  files: string[];
  sources: SourceIndex;
}
