/**
 * An executable model of how Authelia 4.39 applies `access_control` to one forward-auth request, so tests can ask
 * "who gets into alice's workspace?" of the configuration we generate instead of trusting the YAML by eye.
 *
 * It mirrors, in Authelia v4.39.20:
 * - `internal/authorization/authorizer.go` `GetRequiredLevel`: rules in order, the first match wins and yields
 *   (rule has subjects?, policy); no match → `default_policy`;
 * - `internal/authorization/access_control_rule.go` `IsMatch`: domains, resources, methods, subjects must all match;
 *   an ANONYMOUS subject matches every subject criterion (`MatchesSubjects`), because who they are is unknown yet;
 * - `access_control_domain.go`: literal domains (case-insensitive), `*.` wildcards, and the deprecated `{user}` /
 *   `{group}` prefixes; `regexp.go` `RegexpGroupStringSubjectMatcher`: a `domain_regex`/`resources` pattern with a
 *   named group `User` must capture the username (case-insensitive), `Group` one of the groups;
 * - `access_control_subjects.go` and `util.go`: `subject` is OR over entries, AND inside a nested list;
 * - `internal/handlers/handler_authz_util.go` `isAuthzResult`: what happens to the request given the required level
 *   and how far the user has authenticated (see {@link authorizeRequest}).
 *
 * Left out (refused with an error when a rule uses them, rather than answered wrongly): `networks` (needs the client
 * IP and named networks), `query` conditions, and `oauth2:client:` subjects never match (no OAuth2 clients here).
 * Paths are used as given (upstream cleans `..` segments with Go's `path.Clean` first). Go RE2 patterns are
 * translated to JavaScript: `(?P<name>…)` groups and a leading `(?i)` flag; other RE2-only syntax is refused.
 */
import type { AutheliaAccessControl, AutheliaAccessControlRule, AutheliaRulePolicy } from "./configuration";

/** The policy Authelia requires for a request (its `authorization.Level`). */
export type AccessPolicy = AutheliaRulePolicy;

/** The identity Authelia has for the request's session: absent = anonymous. */
export interface AccessSubject {
  username: string;
  groups: readonly string[];
}

/** One request as Traefik forwards it to `/api/authz/forward-auth`. */
export interface AccessRequest {
  /** Host of the protected URL (a `:port` suffix is ignored, as Go's `URL.Hostname()` does). */
  host: string;
  /** Path (plus `?query`) of the protected URL. Default `/`. */
  path?: string;
  /** HTTP method. Default `GET`. */
  method?: string;
  /** Who the session belongs to; absent for an anonymous request. */
  user?: AccessSubject;
}

/** Which rule decided, and what it requires. */
export interface AccessDecision {
  policy: AccessPolicy;
  /** 1-based position of the matching rule; undefined when the default policy applied. */
  rulePosition?: number;
  /** The matching rule needs to know the subject (subject criteria, or `User`/`Group` groups, or `{user}`/`{group}`). */
  hasSubjects: boolean;
}

/** How far the session has authenticated. */
export type AuthenticationLevel = "none" | "one_factor" | "two_factor";

/**
 * What Authelia answers Traefik: `allowed` (200, request proceeds), `login` (401/302 to the portal: authenticate,
 * or authenticate further) or `forbidden` (403).
 */
export type AuthzOutcome = "allowed" | "login" | "forbidden";

interface Matcher {
  /** Whether this criterion needs the subject (contributes to `HasSubjects`). */
  subjects: boolean;
  isMatch(input: string, subject: AccessSubject | undefined): boolean;
}

interface CompiledRule {
  position: number;
  policy: AccessPolicy;
  hasSubjects: boolean;
  domains: Matcher[];
  resources: Matcher[];
  methods: string[];
  subjects: string[][];
}

function isAnonymous(subject: AccessSubject | undefined): subject is undefined {
  return subject === undefined || (subject.username === "" && subject.groups.length === 0);
}

const equalFold = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const hasSuffixFold = (s: string, suffix: string): boolean => s.length >= suffix.length && equalFold(s.slice(s.length - suffix.length), suffix);

function toList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Translates a Go RE2 pattern to a JavaScript RegExp (named groups, a leading `(?i)`); refuses other RE2-only syntax. */
export function goRegexToJs(pattern: string): RegExp {
  let source = pattern;
  let flags = "";
  const leadingFlags = /^\(\?([imsU]+)\)/.exec(source);
  if (leadingFlags) {
    for (const f of leadingFlags[1]!) {
      if (f === "i") flags += "i";
      else if (f === "s") flags += "s";
      else if (f === "m") flags += "m";
      else throw new Error(`access-control model: RE2 flag "${f}" in ${JSON.stringify(pattern)} is not supported`);
    }
    source = source.slice(leadingFlags[0].length);
  }
  if (/\(\?[a-zA-Z-]+[:)]/.test(source) || /\\[AzpPQE]/.test(source)) {
    throw new Error(`access-control model: RE2 syntax in ${JSON.stringify(pattern)} is not supported by this model`);
  }
  source = source.replace(/\(\?P</g, "(?<");
  return new RegExp(source, flags);
}

function literalDomainMatcher(raw: string): Matcher {
  const domain = raw.toLowerCase();
  if (domain.startsWith("*.")) {
    const name = domain.slice(1);
    return { subjects: false, isMatch: (d) => hasSuffixFold(d, name) };
  }
  if (domain.startsWith("{user}") || domain.startsWith("{group}")) {
    const isUser = domain.startsWith("{user}");
    const name = domain.slice(isUser ? 6 : 7);
    return {
      subjects: true,
      isMatch: (d, subject) => {
        if (isAnonymous(subject)) return hasSuffixFold(d, name) && d.length > name.length;
        if (isUser) return d === `${subject.username}${name}`;
        const i = d.indexOf(".");
        return i >= 0 && d.slice(i) === name && subject.groups.some((g) => equalFold(g, d.slice(0, i)));
      },
    };
  }
  return { subjects: false, isMatch: (d) => equalFold(d, domain) };
}

function regexMatcher(pattern: string): Matcher {
  const re = goRegexToJs(pattern);
  const names = re.source.match(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)?.map((g) => g.slice(3, -1)) ?? [];
  const hasUser = names.includes("User");
  const hasGroup = names.includes("Group");
  if (!hasUser && !hasGroup) return { subjects: false, isMatch: (input) => re.test(input) };
  return {
    subjects: true,
    isMatch: (input, subject) => {
      const m = re.exec(input);
      if (m === null) return false;
      if (isAnonymous(subject)) return true;
      // Go's FindStringSubmatch gives "" for a group that did not participate.
      if (hasUser && !equalFold(subject.username, m.groups?.User ?? "")) return false;
      if (hasGroup && !subject.groups.some((g) => equalFold(g, m.groups?.Group ?? ""))) return false;
      return true;
    },
  };
}

/** `subject` in any of its spellings → OR-list of AND-lists (upstream `AccessControlRuleSubjects` is `[][]string`). */
function normalizeSubjects(subject: AutheliaAccessControlRule["subject"]): string[][] {
  if (subject === undefined) return [];
  if (typeof subject === "string") return [[subject]];
  return subject.map((entry) => (typeof entry === "string" ? [entry] : [...entry])).filter((and) => and.length > 0);
}

function subjectItemMatches(item: string, subject: AccessSubject): boolean {
  if (item.startsWith("user:")) return subject.username === item.slice(5).trim();
  if (item.startsWith("group:")) return subject.groups.includes(item.slice(6).trim());
  // oauth2:client: subjects identify OAuth2 clients, never a browser session.
  return false;
}

function compileRule(rule: AutheliaAccessControlRule, position: number): CompiledRule {
  if (rule.networks !== undefined) throw new Error(`access-control model: rule #${position} uses "networks", which this model does not evaluate`);
  if (rule.query !== undefined) throw new Error(`access-control model: rule #${position} uses "query", which this model does not evaluate`);
  const domains = [...toList(rule.domain).map(literalDomainMatcher), ...toList(rule.domain_regex).map(regexMatcher)];
  const resources = toList(rule.resources).map(regexMatcher);
  const subjects = normalizeSubjects(rule.subject);
  return {
    position,
    policy: rule.policy,
    hasSubjects: subjects.length > 0 || domains.some((d) => d.subjects) || resources.some((r) => r.subjects),
    domains,
    resources,
    methods: toList(rule.methods).map((m) => m.toUpperCase()),
    subjects,
  };
}

function ruleMatches(rule: CompiledRule, host: string, path: string, method: string, subject: AccessSubject | undefined): boolean {
  if (rule.domains.length > 0 && !rule.domains.some((d) => d.isMatch(host, subject))) return false;
  if (rule.resources.length > 0 && !rule.resources.some((r) => r.isMatch(path, subject))) return false;
  if (rule.methods.length > 0 && !rule.methods.includes(method)) return false;
  if (rule.subjects.length === 0 || isAnonymous(subject)) return true;
  return rule.subjects.some((and) => and.every((item) => subjectItemMatches(item, subject)));
}

/** Go's `URL.Hostname()`: the host without a `:port` (and without IPv6 brackets). */
function hostnameOf(host: string): string {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"));
  const colon = host.lastIndexOf(":");
  return colon >= 0 && /^\d*$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host;
}

/** The rule Authelia applies to `request` and the level it requires (upstream `GetRequiredLevel`). */
export function explainAccess(accessControl: AutheliaAccessControl, request: AccessRequest): AccessDecision {
  const rules = accessControl.rules.map((r, i) => compileRule(r, i + 1));
  const host = hostnameOf(request.host);
  const path = request.path ?? "/";
  const method = (request.method ?? "GET").toUpperCase();
  for (const rule of rules) {
    if (ruleMatches(rule, host, path, method, request.user)) {
      return { policy: rule.policy, rulePosition: rule.position, hasSubjects: rule.hasSubjects };
    }
  }
  return { policy: accessControl.default_policy, hasSubjects: false };
}

/** The policy Authelia applies to `request`: `bypass`, `one_factor`, `two_factor` or `deny`. */
export function evaluateAccess(accessControl: AutheliaAccessControl, request: AccessRequest): AccessPolicy {
  return explainAccess(accessControl, request).policy;
}

/**
 * What Authelia answers for `request` when its session has reached `level` (upstream `isAuthzResult`): `bypass` is
 * always allowed; `deny` is forbidden, except for an anonymous request on a rule with subjects, which is sent to log
 * in (only then can Authelia tell whether a later rule would admit the user); `one_factor`/`two_factor` are allowed
 * once the session has reached that level and otherwise sent to log in.
 */
export function authorizeRequest(accessControl: AutheliaAccessControl, request: AccessRequest, level: AuthenticationLevel): AuthzOutcome {
  const anonymous = isAnonymous(request.user);
  if (anonymous && level !== "none") throw new Error("authorizeRequest: an anonymous request has authentication level none");
  if (!anonymous && level === "none") throw new Error("authorizeRequest: a request with a user has at least one_factor");
  const { policy, hasSubjects } = explainAccess(accessControl, request);
  const rank: Record<AuthenticationLevel, number> = { none: 0, one_factor: 1, two_factor: 2 };
  switch (policy) {
    case "bypass":
      return "allowed";
    case "deny":
      return level !== "none" || !hasSubjects ? "forbidden" : "login";
    case "one_factor":
      return rank[level] >= 1 ? "allowed" : "login";
    case "two_factor":
      return rank[level] >= 2 ? "allowed" : "login";
  }
}
