import type { Loose } from "../testing";
import { violationsOfRule } from "../testing";
import { ingressTlsRule, tlsCovers } from "./ingress-tls";

const P = "hygiene-ingress-tls";
const ingress = (spec: Loose, apiVersion = "networking.k8s.io/v1"): Loose => ({ apiVersion, kind: "Ingress", metadata: { name: "i", namespace: "a" }, spec });
const rule = (host?: string) => ({ ...(host ? { host } : {}), http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "s", port: { number: 80 } } } }] } });

describe(P, () => {
  it.each<[string, string, string, boolean]>([
    ["exact", "alice.dev.example.com", "alice.dev.example.com", true],
    ["case-insensitive", "Alice.Example.com", "alice.example.com", true],
    ["wildcard, one label", "*.example.com", "alice.example.com", true],
    ["wildcard, two labels", "*.example.com", "a.b.example.com", false],
    ["wildcard, apex", "*.example.com", "example.com", false],
    ["other host", "bob.example.com", "alice.example.com", false],
  ])("tlsCovers: %s", (_name, pattern, host, expected) => {
    expect(tlsCovers(pattern, host)).toBe(expected);
  });

  it.each<[string, Loose, string[]]>([
    ["TLS for the host", ingress({ tls: [{ hosts: ["a.example.com"], secretName: "t" }], rules: [rule("a.example.com")] }), []],
    ["no tls", ingress({ rules: [rule("a.example.com")] }), [`${P} spec.tls`]],
    ["empty tls", ingress({ tls: [], rules: [rule("a.example.com")] }), [`${P} spec.tls`]],
    ["second host not covered", ingress({ tls: [{ hosts: ["a.example.com"] }], rules: [rule("a.example.com"), rule("b.example.com")] }), [`${P} spec.rules[1].host`]],
    ["wildcard certificate", ingress({ tls: [{ hosts: ["*.example.com"] }], rules: [rule("a.example.com"), rule("b.example.com")] }), []],
    ["legacy extensions group", ingress({ rules: [rule("a.example.com")] }, "extensions/v1beta1"), [`${P} spec.tls`]],
    ["not an Ingress", { apiVersion: "traefik.io/v1alpha1", kind: "IngressRoute", metadata: { name: "r" }, spec: {} }, []],
  ])("%s", (_name, obj, expected) => {
    expect(violationsOfRule(ingressTlsRule, [obj])).toEqual(expected);
  });
});
