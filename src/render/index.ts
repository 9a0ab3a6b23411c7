/** Outputs for people and machines: plan and policy results as text, markdown and JSON (later SARIF and JUnit). */
export * from './style.js';
export { renderPlanText, summaryLine, orderLine } from './plan-text.js';
export { renderPlanMarkdown, GITHUB_COMMENT_LIMIT } from './plan-markdown.js';
export { renderPolicyText } from './policy-text.js';
export { renderRunText, resultLine, countResults } from './run-text.js';
