/**
 * Where a violation points: the failing field when the rule names one (`field:`) or reads one
 * (`resource.spec.image_id`), in the resource's own document — or in its DesktopProfile when the value
 * came from there, since that is the line to change. Otherwise the start of the resource's document.
 */
import type { SourceLocation } from '../diagnostics.js';
import type { DesiredResource, DesiredState } from '../desired/model.js';
import type { PathSegment } from '../validation/problems.js';
import type { CompiledRule } from './model.js';

/** A path in the `resource` variable → the same place in the YAML document. */
export function documentPath(path: readonly PathSegment[]): PathSegment[] | undefined {
  const [root, ...rest] = path;
  if (root === 'spec') return ['spec', ...rest];
  if (root === 'labels' || root === 'annotations') return ['metadata', root, ...rest];
  if (root === 'name') return ['metadata', 'name'];
  if (root === 'kind') return ['kind'];
  return undefined;
}

function fieldOf(rule: CompiledRule): PathSegment[] | undefined {
  if (rule.field) return documentPath(rule.field);
  for (const ref of rule.refs) {
    if (ref[0] !== 'resource') continue;
    const path = documentPath(ref.slice(1));
    if (path) return path;
  }
  return undefined;
}

export function violationLocation(resource: DesiredResource, rule: CompiledRule, desired: Pick<DesiredState, 'sources' | 'profiles'>): SourceLocation {
  const path = fieldOf(rule);
  const own = resource.source;
  if (!path) return { file: own.file, line: own.line, column: own.column };
  const top = path[1];
  if (path[0] === 'spec' && typeof top === 'string' && resource.profile && resource.fromProfile?.has(top)) {
    const profile = desired.profiles.get(resource.profile);
    if (profile) return desired.sources.locate(profile.source.file, profile.source.document, path);
  }
  return desired.sources.locate(own.file, own.document, path);
}
