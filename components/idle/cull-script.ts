/**
 * The idle culler program (Python 3, standard library only), mounted into the CronJob from a ConfigMap. Kept as a
 * TypeScript string so the compiled package carries it; `idle-culler.test.ts` runs its decision functions.
 */
export const CULL_SCRIPT: string = String.raw`"""VibeCode idle culler: scales idle code-server workspaces to 0 replicas. Data (the home volume) stays.

Runs as a Kubernetes CronJob with the Python standard library only. For every namespace labelled
WORKSPACE_NAMESPACE_SELECTOR it reads the code-server Deployment; if that Deployment carries the IDLE_ANNOTATION
(seconds) and is running, it asks code-server's /healthz for "lastHeartbeat" (ms since the epoch, 0 when nobody has
used this process yet, in which case the container's start time counts) and patches the Deployment's "scale"
subresource to 0 when the workspace has been idle for at least that long. Anything unclear (no answer, no
annotation, bad value) leaves the workspace running: culling is never done on a guess.
"""
import datetime
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def idle_seconds(now, last_heartbeat_ms, container_started_at):
    """Seconds the workspace has been idle, or None when unknown."""
    if last_heartbeat_ms:
        return now - last_heartbeat_ms / 1000.0
    if container_started_at is not None:
        return now - container_started_at
    return None


def should_cull(now, last_heartbeat_ms, container_started_at, threshold_seconds):
    idle = idle_seconds(now, last_heartbeat_ms, container_started_at)
    return idle is not None and threshold_seconds > 0 and idle >= threshold_seconds


def parse_threshold(value):
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


def parse_time(value):
    return datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()


class Api:
    def __init__(self):
        self.base = "https://%s:%s" % (os.environ["KUBERNETES_SERVICE_HOST"], os.environ["KUBERNETES_SERVICE_PORT"])
        with open(os.path.join(SA_DIR, "token")) as f:
            self.token = f.read().strip()
        self.ctx = ssl.create_default_context(cafile=os.path.join(SA_DIR, "ca.crt"))

    def call(self, method, path, body=None, content_type="application/json"):
        req = urllib.request.Request(
            self.base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": "Bearer " + self.token, "Accept": "application/json", "Content-Type": content_type},
        )
        with urllib.request.urlopen(req, context=self.ctx, timeout=10) as r:
            return json.load(r)


def main():
    ns_selector = os.environ["WORKSPACE_NAMESPACE_SELECTOR"]
    annotation = os.environ["IDLE_ANNOTATION"]
    deployment = os.environ["DEPLOYMENT_NAME"]
    service = os.environ["SERVICE_NAME"]
    port = os.environ["SERVICE_PORT"]
    dry_run = os.environ.get("DRY_RUN", "false") == "true"
    api = Api()
    failures = 0
    namespaces = api.call("GET", "/api/v1/namespaces?labelSelector=" + urllib.parse.quote(ns_selector))["items"]
    for item in namespaces:
        ns = item["metadata"]["name"]
        try:
            try:
                d = api.call("GET", "/apis/apps/v1/namespaces/%s/deployments/%s" % (ns, deployment))
            except urllib.error.HTTPError as e:
                if e.code == 404:
                    continue
                raise
            if not d.get("spec", {}).get("replicas"):
                continue
            threshold = parse_threshold((d["metadata"].get("annotations") or {}).get(annotation))
            if threshold is None:
                continue
            try:
                url = "http://%s.%s.svc:%s/healthz" % (service, ns, port)
                with urllib.request.urlopen(url, timeout=5) as r:
                    health = json.load(r)
            except Exception as e:  # not ready, starting, or blocked: leave it alone
                print("%s: no heartbeat (%s); left running" % (ns, e), flush=True)
                continue
            started = None
            if not health.get("lastHeartbeat"):
                labels = d["spec"]["selector"]["matchLabels"]
                selector = ",".join("%s=%s" % kv for kv in sorted(labels.items()))
                pods = api.call("GET", "/api/v1/namespaces/%s/pods?labelSelector=%s" % (ns, urllib.parse.quote(selector)))
                starts = [
                    parse_time(cs["state"]["running"]["startedAt"])
                    for p in pods["items"]
                    for cs in (p.get("status", {}).get("containerStatuses") or [])
                    if cs.get("state", {}).get("running", {}).get("startedAt")
                ]
                started = max(starts) if starts else None
            now = time.time()
            idle = idle_seconds(now, health.get("lastHeartbeat"), started)
            if should_cull(now, health.get("lastHeartbeat"), started, threshold):
                print("%s: idle %ds >= %ds; scaling to 0%s" % (ns, idle, threshold, " (dry run)" if dry_run else ""), flush=True)
                if not dry_run:
                    api.call(
                        "PATCH",
                        "/apis/apps/v1/namespaces/%s/deployments/%s/scale" % (ns, deployment),
                        {"spec": {"replicas": 0}},
                        "application/merge-patch+json",
                    )
        except Exception as e:
            failures += 1
            print("%s: error %s" % (ns, e), file=sys.stderr, flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
`;
