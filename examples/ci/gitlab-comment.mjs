#!/usr/bin/env node
/* global fetch */
// Posts the plan as one merge-request note and updates that same note on every push, so the MR shows
// the current plan instead of a pile of old ones. Needs GITLAB_TOKEN: a project access token with the
// `api` scope, stored as a masked CI/CD variable. Uses only what GitLab CI sets for MR pipelines.
//
//   node gitlab-comment.mjs plan.md
import { readFileSync } from 'node:fs';

const MARKER = '<!-- workspace-gitops-plan -->';
const { CI_API_V4_URL: api, CI_PROJECT_ID: project, CI_MERGE_REQUEST_IID: mr, GITLAB_TOKEN: token } = process.env;
if (!api || !project || !mr) {
  console.error('not a merge request pipeline: CI_API_V4_URL, CI_PROJECT_ID and CI_MERGE_REQUEST_IID are required');
  process.exit(64);
}
if (!token) {
  console.error('GITLAB_TOKEN is not set: the plan is in the job log and the artifacts, but no note was posted');
  process.exit(0);
}

const body = `${MARKER}\n${readFileSync(process.argv[2] ?? 'plan.md', 'utf8')}`;
const notes = `${api}/projects/${encodeURIComponent(project)}/merge_requests/${mr}/notes`;
const headers = { 'PRIVATE-TOKEN': token, 'content-type': 'application/json' };

async function call(method, url, payload) {
  const res = await fetch(url, { method, headers, ...(payload ? { body: JSON.stringify(payload) } : {}) });
  if (!res.ok) throw new Error(`${method} ${url.replace(api, '')} answered ${res.status}`);
  return res.json();
}

const existing = [];
for (let page = 1; page <= 20; page++) {
  const batch = await call('GET', `${notes}?per_page=100&page=${page}&sort=asc`);
  existing.push(...batch);
  if (batch.length < 100) break;
}
const mine = existing.find((n) => typeof n.body === 'string' && n.body.startsWith(MARKER));
if (mine) await call('PUT', `${notes}/${mine.id}`, { body });
else await call('POST', notes, { body });
console.log(mine ? `updated note ${mine.id}` : 'posted the plan note');
