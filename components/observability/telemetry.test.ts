import { validateKubernetesObjects } from "../../test/support/schema-validation";
import { workspaceTelemetry } from "./telemetry";

describe("workspaceTelemetry", () => {
  it("gives unified service tags, the user tag and a log annotation for the code-server container", () => {
    const t = workspaceTelemetry({ username: "alice", env: "prod", version: "4.145.2" });
    expect(t).toEqual({
      labels: { "tags.datadoghq.com/env": "prod", "tags.datadoghq.com/service": "workspace", "tags.datadoghq.com/version": "4.145.2" },
      podAnnotations: {
        "ad.datadoghq.com/tags": '{"user":"alice"}',
        "ad.datadoghq.com/code-server.logs": '[{"source":"code-server","service":"workspace"}]',
      },
    });
    // The log config's service matches the unified service tag, so logs and metrics line up.
    expect(JSON.parse(t.podAnnotations["ad.datadoghq.com/code-server.logs"]!)[0].service).toBe(t.labels["tags.datadoghq.com/service"]);
  });

  it("takes another service, container and log source", () => {
    const t = workspaceTelemetry({ username: "bob", env: "dev", version: "1.0", service: "ide", container: "editor", logSource: "nodejs" });
    expect(t.labels["tags.datadoghq.com/service"]).toBe("ide");
    expect(t.podAnnotations["ad.datadoghq.com/editor.logs"]).toBe('[{"source":"nodejs","service":"ide"}]');
  });

  it("produces metadata the API server accepts on a Deployment and its pods", () => {
    const t = workspaceTelemetry({ username: "alice", env: "prod", version: "4.145.2" });
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "code-server", namespace: "ws-alice", labels: t.labels },
      spec: {
        selector: { matchLabels: { app: "code-server" } },
        template: {
          metadata: { labels: { app: "code-server", ...t.labels }, annotations: t.podAnnotations },
          spec: { containers: [{ name: "code-server", image: "docker.io/codercom/code-server:4.145.2" }] },
        },
      },
    };
    expect(validateKubernetesObjects([deployment])).toEqual([]);
  });

  it.each([
    [{ username: "alice", env: "prod env", version: "1" }, "workspaceTelemetry: env must be a Kubernetes label value"],
    [{ username: "alice", env: "prod", version: "x".repeat(64) }, "workspaceTelemetry: version must be a Kubernetes label value"],
    [{ username: "alice@example.com", env: "prod", version: "1" }, "workspaceTelemetry: username must be a Kubernetes label value"],
    [{ username: "alice", env: "prod", version: "1", container: "Code_Server" }, "workspaceTelemetry: container must be a container name"],
  ])("refuses %j", (input, message) => {
    expect(() => workspaceTelemetry(input)).toThrow(message);
  });
});
