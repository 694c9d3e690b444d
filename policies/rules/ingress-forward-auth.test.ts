import type { Loose } from "../testing";
import { violationsOfRule } from "../testing";
import { MIDDLEWARES_ANNOTATION, ingressForwardAuthRule } from "./ingress-forward-auth";

const P = "hygiene-ingress-forward-auth";
const PATH = `metadata.annotations["${MIDDLEWARES_ANNOTATION}"]`;
const ingress = (annotations: Record<string, string> = {}): Loose => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "code-server", namespace: "ws-alice", annotations },
  spec: { tls: [{ hosts: ["alice.example.com"] }], rules: [{ host: "alice.example.com" }] },
});
const middleware = (ns: string, name: string, spec: Loose): Loose => ({ apiVersion: "traefik.io/v1alpha1", kind: "Middleware", metadata: { name, namespace: ns }, spec });
const forwardAuth = { forwardAuth: { address: "http://authelia.auth.svc.cluster.local/api/authz/forward-auth" } };

describe(P, () => {
  it.each<[string, Loose[], string[]]>([
    ["references a forwardAuth middleware among the inputs", [middleware("ws-alice", "forward-auth", forwardAuth), ingress({ [MIDDLEWARES_ANNOTATION]: "ws-alice-forward-auth@kubernetescrd" })], []],
    ["no annotation", [ingress()], [`${P} ${PATH}`]],
    ["empty annotation", [ingress({ [MIDDLEWARES_ANNOTATION]: " , " })], [`${P} ${PATH}`]],
    [
      "only a non-auth middleware",
      [middleware("ws-alice", "headers", { headers: { customResponseHeaders: { "X-Frame-Options": "DENY" } } }), ingress({ [MIDDLEWARES_ANNOTATION]: "ws-alice-headers@kubernetescrd" })],
      [`${P} ${PATH}`],
    ],
    [
      "auth among several middlewares (dashed namespace and names)",
      [
        middleware("auth-system", "forward-auth", forwardAuth),
        middleware("ws-alice", "headers", { headers: {} }),
        ingress({ [MIDDLEWARES_ANNOTATION]: "ws-alice-headers@kubernetescrd, auth-system-forward-auth@kubernetescrd" }),
      ],
      [],
    ],
    ["a middleware that is not among the inputs cannot be verified and is accepted", [ingress({ [MIDDLEWARES_ANNOTATION]: "auth-forward-auth@kubernetescrd" })], []],
    ["the portal is exempt", [ingress({ "vibecode.dev/portal": "true" })], []],
    ["portal must be exactly \"true\"", [ingress({ "vibecode.dev/portal": "yes" })], [`${P} ${PATH}`]],
  ])("%s", (_name, objects, expected) => {
    expect(violationsOfRule(ingressForwardAuthRule, objects)).toEqual(expected);
  });
});
