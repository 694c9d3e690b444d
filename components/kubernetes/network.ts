/** NetworkPolicy pieces every component uses alike. */
import { k8s } from "./k8s-api";

/** The egress rule that lets pods resolve names: UDP and TCP 53 to the cluster DNS pods, nothing else. */
export function dnsEgressRule(dnsNamespace: string, dnsPodLabels: Readonly<Record<string, string>>): k8s.NetworkPolicyEgressRule {
  return {
    to: [
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": dnsNamespace } },
        podSelector: { matchLabels: { ...dnsPodLabels } },
      },
    ],
    ports: [
      { protocol: "UDP", port: k8s.IntOrString.fromNumber(53) },
      { protocol: "TCP", port: k8s.IntOrString.fromNumber(53) },
    ],
  };
}
