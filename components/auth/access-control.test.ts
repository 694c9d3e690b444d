import { authorizeRequest, evaluateAccess, explainAccess, goRegexToJs } from "./access-control";
import type { AutheliaAccessControl } from "./configuration";

const alice = { username: "alice", groups: ["dev"] };
const bob = { username: "bob", groups: ["admins", "dev"] };

/** Cases modelled on upstream internal/authorization/authorizer_test.go (v4.39.20), in our own words. */
describe("the Authelia access-control model", () => {
  it("applies the first matching rule, then the default policy", () => {
    const ac: AutheliaAccessControl = {
      default_policy: "deny",
      rules: [
        { domain: "public.example.com", policy: "bypass" },
        { domain: "*.example.com", policy: "one_factor" },
        { domain: "secure.example.com", policy: "two_factor" },
      ],
    };
    expect(explainAccess(ac, { host: "public.example.com" })).toEqual({ policy: "bypass", rulePosition: 1, hasSubjects: false });
    // Rule 3 never wins: rule 2 matched first.
    expect(explainAccess(ac, { host: "secure.example.com" })).toEqual({ policy: "one_factor", rulePosition: 2, hasSubjects: false });
    expect(explainAccess(ac, { host: "example.org" })).toEqual({ policy: "deny", hasSubjects: false });
    expect(evaluateAccess({ ...ac, default_policy: "two_factor" }, { host: "example.org" })).toBe("two_factor");
  });

  it("matches literal domains case-insensitively and ignores the port", () => {
    const ac: AutheliaAccessControl = { default_policy: "deny", rules: [{ domain: "App.Example.com", policy: "one_factor" }] };
    expect(evaluateAccess(ac, { host: "app.example.com:8443" })).toBe("one_factor");
    expect(evaluateAccess(ac, { host: "APP.EXAMPLE.COM" })).toBe("one_factor");
  });

  it("treats subject lists as OR and nested lists as AND", () => {
    const ac: AutheliaAccessControl = {
      default_policy: "deny",
      rules: [{ domain: "x.example.com", subject: ["user:carol", ["group:admins", "group:dev"]], policy: "two_factor" }],
    };
    expect(evaluateAccess(ac, { host: "x.example.com", user: bob })).toBe("two_factor");
    expect(evaluateAccess(ac, { host: "x.example.com", user: alice })).toBe("deny");
    expect(evaluateAccess(ac, { host: "x.example.com", user: { username: "carol", groups: [] } })).toBe("two_factor");
  });

  it("lets an anonymous request match a rule with subjects, so it is sent to log in rather than refused", () => {
    const ac: AutheliaAccessControl = {
      default_policy: "deny",
      rules: [
        { domain: "x.example.com", subject: "group:admins", policy: "deny" },
        { domain: "x.example.com", policy: "one_factor" },
      ],
    };
    expect(explainAccess(ac, { host: "x.example.com" })).toEqual({ policy: "deny", rulePosition: 1, hasSubjects: true });
    expect(authorizeRequest(ac, { host: "x.example.com" }, "none")).toBe("login");
    expect(authorizeRequest(ac, { host: "x.example.com", user: bob }, "one_factor")).toBe("forbidden");
    expect(authorizeRequest(ac, { host: "x.example.com", user: alice }, "one_factor")).toBe("allowed");
    // A deny rule without subjects refuses anonymous requests outright.
    expect(authorizeRequest({ default_policy: "deny", rules: [] }, { host: "x.example.com" }, "none")).toBe("forbidden");
  });

  it("domain_regex with a named User group matches the owner only (case-insensitive name comparison)", () => {
    const ac: AutheliaAccessControl = {
      default_policy: "deny",
      rules: [{ domain_regex: "^(?P<User>\\w+)\\.example\\.com$", policy: "two_factor" }],
    };
    expect(explainAccess(ac, { host: "alice.example.com", user: alice })).toEqual({ policy: "two_factor", rulePosition: 1, hasSubjects: true });
    expect(evaluateAccess(ac, { host: "Alice.example.com", user: alice })).toBe("two_factor");
    expect(evaluateAccess(ac, { host: "alice.example.com", user: bob })).toBe("deny");
    expect(evaluateAccess(ac, { host: "alice.example.com" })).toBe("two_factor");
    expect(authorizeRequest(ac, { host: "alice.example.com" }, "none")).toBe("login");
  });

  it("domain_regex with a named Group group matches members of that group", () => {
    const ac: AutheliaAccessControl = {
      default_policy: "deny",
      rules: [{ domain_regex: "^(?P<Group>\\w+)\\.team\\.example\\.com$", policy: "one_factor" }],
    };
    expect(evaluateAccess(ac, { host: "dev.team.example.com", user: alice })).toBe("one_factor");
    expect(evaluateAccess(ac, { host: "admins.team.example.com", user: alice })).toBe("deny");
    expect(evaluateAccess(ac, { host: "admins.team.example.com", user: bob })).toBe("one_factor");
  });

  it("a regex without User/Group groups is a plain match and needs no subject", () => {
    const ac: AutheliaAccessControl = { default_policy: "deny", rules: [{ domain_regex: "^(?i)[a-z]+\\.example\\.com$", policy: "one_factor" }] };
    expect(() => evaluateAccess(ac, { host: "a.example.com" })).toThrow(/not supported/);
    const ok: AutheliaAccessControl = { default_policy: "deny", rules: [{ domain_regex: "(?i)^[a-z]+\\.example\\.com$", policy: "one_factor" }] };
    expect(explainAccess(ok, { host: "ABC.example.com" })).toEqual({ policy: "one_factor", rulePosition: 1, hasSubjects: false });
  });

  it("supports the deprecated {user} wildcard the way upstream does", () => {
    const ac: AutheliaAccessControl = { default_policy: "deny", rules: [{ domain: "{user}.example.com", policy: "one_factor" }] };
    expect(evaluateAccess(ac, { host: "alice.example.com", user: alice })).toBe("one_factor");
    expect(evaluateAccess(ac, { host: "alice.example.com", user: bob })).toBe("deny");
    expect(explainAccess(ac, { host: "alice.example.com" }).hasSubjects).toBe(true);
  });

  it("matches resources (path regexes) and methods", () => {
    const ac: AutheliaAccessControl = {
      default_policy: "deny",
      rules: [
        { domain: "app.example.com", resources: ["^/api/public/"], methods: ["GET", "HEAD"], policy: "bypass" },
        { domain: "app.example.com", policy: "two_factor" },
      ],
    };
    expect(evaluateAccess(ac, { host: "app.example.com", path: "/api/public/x", method: "get" })).toBe("bypass");
    expect(evaluateAccess(ac, { host: "app.example.com", path: "/api/public/x", method: "POST" })).toBe("two_factor");
    expect(evaluateAccess(ac, { host: "app.example.com", path: "/api/private" })).toBe("two_factor");
  });

  it("refuses rules it cannot evaluate faithfully instead of guessing", () => {
    expect(() => evaluateAccess({ default_policy: "deny", rules: [{ domain: "a.example.com", networks: ["10.0.0.0/8"], policy: "bypass" }] }, { host: "a.example.com" })).toThrow(/networks/);
    expect(() => evaluateAccess({ default_policy: "deny", rules: [{ domain: "a.example.com", query: [[]], policy: "bypass" }] }, { host: "a.example.com" })).toThrow(/query/);
  });

  it("never matches oauth2:client subjects for a browser session", () => {
    const ac: AutheliaAccessControl = { default_policy: "deny", rules: [{ domain: "a.example.com", subject: "oauth2:client:x", policy: "one_factor" }] };
    expect(evaluateAccess(ac, { host: "a.example.com", user: alice })).toBe("deny");
  });

  it("translates Go RE2 named groups", () => {
    expect(goRegexToJs("^(?P<User>[a-z]+)\\.x$").exec("bob.x")?.groups?.User).toBe("bob");
  });

  it("checks that the authentication level fits the request", () => {
    const ac: AutheliaAccessControl = { default_policy: "deny", rules: [] };
    expect(() => authorizeRequest(ac, { host: "a" }, "two_factor")).toThrow(/anonymous/);
    expect(() => authorizeRequest(ac, { host: "a", user: alice }, "none")).toThrow(/at least/);
  });
});
