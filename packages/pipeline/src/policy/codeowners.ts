// CODEOWNERS must exist and give every file of the repository an owner, and every rule must still
// match something (a rule for a moved folder silently stops requesting reviews).
import ignore from 'ignore';

export interface OwnershipRule {
  readonly pattern: string;
  readonly owners: readonly string[];
  readonly line: number;
}

export interface OwnershipReport {
  /** Files whose last matching rule names no owner, or that no rule matches. */
  readonly unowned: readonly string[];
  /** Rules that match no file. */
  readonly stale: readonly OwnershipRule[];
  readonly errors: readonly string[];
}

// eslint-disable-next-line security/detect-unsafe-regex -- tested against one whitespace-free word at a time
const OWNER = /^(@[\w.-]+(\/[\w.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

export function parseCodeowners(text: string): { rules: OwnershipRule[]; errors: string[] } {
  const rules: OwnershipRule[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [pattern = '', ...owners] = line.split(/\s+/);
    if (pattern.startsWith('!'))
      errors.push(`line ${index + 1}: CODEOWNERS does not support negation (${pattern})`);
    for (const owner of owners) {
      if (!OWNER.test(owner))
        errors.push(`line ${index + 1}: ${owner} is not a @user, @org/team or e-mail address`);
    }
    rules.push({ pattern, owners, line: index + 1 });
  });
  return { rules, errors };
}

/**
 * CODEOWNERS patterns follow .gitignore's matching rules (without negation) and the last matching
 * rule wins, so each rule is matched on its own with the gitignore matcher.
 */
export function checkOwnership(text: string, files: readonly string[]): OwnershipReport {
  const { rules, errors } = parseCodeowners(text);
  const matchers = rules.map((rule) => ({ rule, matcher: ignore().add(rule.pattern) }));
  const used = new Set<OwnershipRule>();
  const unowned: string[] = [];
  for (const file of files) {
    let owner: OwnershipRule | undefined;
    for (const { rule, matcher } of matchers) {
      if (matcher.ignores(file)) {
        owner = rule;
        used.add(rule);
      }
    }
    if (!owner || owner.owners.length === 0) unowned.push(file);
  }
  return { unowned, stale: rules.filter((rule) => !used.has(rule)), errors };
}
