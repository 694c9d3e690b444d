import { formatPath, parsePath } from "./path";

describe("field paths", () => {
  it.each<[(string | number)[], string]>([
    [["spec", "containers", 0, "securityContext", "privileged"], "spec.containers[0].securityContext.privileged"],
    [["metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/app"], 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]'],
    [["spec", "hard", "limits.cpu"], 'spec.hard["limits.cpu"]'],
    [["data", 'we"ird\\key'], 'data["we\\"ird\\\\key"]'],
    [["spec", "resources", "requests", "ephemeral-storage"], "spec.resources.requests.ephemeral-storage"],
    [["items", 3, "spec"], "items[3].spec"],
  ])("%j ⇄ %s", (segments, text) => {
    expect(formatPath(segments)).toBe(text);
    expect(parsePath(text)).toEqual(segments);
  });
});
