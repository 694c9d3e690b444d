#!/usr/bin/env bash
# A throwaway Kubernetes control plane on loopback only, for the end-to-end suite: etcd, kube-apiserver (certificates
# made on the spot with openssl), kube-controller-manager, kube-scheduler, and kwok, which plays the kubelets of fake
# nodes labelled like the dev cluster's pools. Also a StorageClass `e2e-local` with a stand-in provisioner (binds
# each pending claim of that class to a new PersistentVolume) and a stand-in ingress controller (publishes an
# address in each Ingress's status, as Traefik would): both are what Pulumi waits for and no real controller runs.
#
#   scripts/e2e/control-plane.sh start <state-dir>   start everything in the background; prints the kubeconfig path
#   scripts/e2e/control-plane.sh stop <state-dir>    stop what `start` started (by the pids it recorded)
#   scripts/e2e/control-plane.sh run -- <cmd...>     start in a temporary state dir, run <cmd> with KUBECONFIG set,
#                                                    stop on exit (any exit: trap), remove the state dir
#
# Needs the toolchain (scripts/e2e/toolchain.sh) and openssl. Nothing listens beyond 127.0.0.1.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export PATH="$(e2e_toolchain_path):$PATH"

CONTEXT=vibecode-e2e
NODES_PLATFORM="${E2E_NODES_PLATFORM:-2}"
NODES_WORKSPACES="${E2E_NODES_WORKSPACES:-3}"

log() { printf '[control-plane %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# start_bg <state> <name> <cmd...>: runs a daemon in its own process group, logs to <state>/logs/<name>.log.
start_bg() {
  local state="$1" name="$2"; shift 2
  setsid "$@" > "$state/logs/$name.log" 2>&1 < /dev/null &
  echo "$!" > "$state/pids/$name"
}

wait_for() { # <seconds> <description> <cmd...>
  local deadline=$(( $(date +%s) + $1 )) what="$2"; shift 2
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) > deadline )); then log "timed out waiting for $what"; return 1; fi
    sleep 0.5
  done
}

make_pki() {
  local p="$1/pki"
  mkdir -p "$p"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vibecode-e2e-ca" \
    -keyout "$p/ca.key" -out "$p/ca.crt" 2>/dev/null
  sign() { # <name> <subject> <extensions>
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$p/$1.key" -out "$p/$1.csr" 2>/dev/null
    printf '%s\n' "$3" > "$p/$1.ext"
    openssl x509 -req -in "$p/$1.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 2 \
      -extfile "$p/$1.ext" -out "$p/$1.crt" 2>/dev/null
  }
  sign apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth"
  sign admin "/O=system:masters/CN=vibecode-e2e-admin" "extendedKeyUsage=clientAuth"
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
}

write_kubeconfig() { # <state> <apiserver-port>
  local p="$1/pki"
  cat > "$1/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: $CONTEXT
    cluster:
      server: https://127.0.0.1:$2
      certificate-authority: $p/ca.crt
users:
  - name: $CONTEXT-admin
    user:
      client-certificate: $p/admin.crt
      client-key: $p/admin.key
contexts:
  - name: $CONTEXT
    context: { cluster: $CONTEXT, user: $CONTEXT-admin }
current-context: $CONTEXT
KUBECONFIG
}

kwok_stages() { # the kwok module's own "fast" stages: nodes become Ready, pods Running+Ready at once
  local mod="$E2E_KWOK_DIR/stages"
  [[ -d "$mod" ]] || mod="$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    cat "$mod/$f"; echo "---"
  done
}

fake_nodes() {
  local i pool n=0
  for pool in platform workspaces; do
    local count=$NODES_PLATFORM; [[ $pool == workspaces ]] && count=$NODES_WORKSPACES
    for (( i = 0; i < count; i++ )); do
      cat <<NODE
apiVersion: v1
kind: Node
metadata:
  name: kwok-$pool-$i
  annotations: { node.alpha.kubernetes.io/ttl: "0", kwok.x-k8s.io/node: fake }
  labels:
    kubernetes.io/hostname: kwok-$pool-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
    vibecode.dev/pool: $pool
spec:
  podCIDR: 10.244.$n.0/24
status:
  allocatable: { cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 500Gi }
  capacity: { cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 500Gi }
  nodeInfo: { kubeletVersion: fake, operatingSystem: linux, architecture: amd64 }
---
NODE
      n=$((n + 1))
    done
  done
}

# Stand-ins for the controllers this environment lacks, polling once a second:
#  - storage: every Pending claim of class e2e-local gets a PersistentVolume (Retain) pre-bound to it;
#  - ingress: every Ingress without a published address gets 127.0.0.1 in .status.loadBalancer (Traefik's job).
standins_loop() {
  local state="$1"
  set +e
  export KUBECONFIG="$state/kubeconfig"
  while [[ -f "$state/running" ]]; do
    kubectl get pvc -A -o jsonpath='{range .items[?(@.status.phase=="Pending")]}{.metadata.namespace}{" "}{.metadata.name}{" "}{.metadata.uid}{" "}{.spec.storageClassName}{" "}{.spec.resources.requests.storage}{"\n"}{end}' 2>/dev/null \
      | while read -r ns name uid class size; do
          [[ "$class" == e2e-local ]] || continue
          kubectl apply -f - >/dev/null 2>&1 <<PV || true
apiVersion: v1
kind: PersistentVolume
metadata: { name: "pv-$uid", labels: { vibecode.dev/e2e-standin: "true" } }
spec:
  capacity: { storage: "$size" }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: e2e-local
  claimRef: { namespace: "$ns", name: "$name", uid: "$uid" }
  hostPath: { path: "/tmp/vibecode-e2e-volumes/$uid" }
PV
        done || true
    kubectl get ingress -A -o jsonpath='{range .items[*]}{.metadata.namespace}{" "}{.metadata.name}{" "}{.status.loadBalancer.ingress[0].ip}{"\n"}{end}' 2>/dev/null \
      | while read -r ns name ip; do
          [[ -z "$ip" ]] || continue
          kubectl -n "$ns" patch ingress "$name" --subresource=status --type=merge \
            -p '{"status":{"loadBalancer":{"ingress":[{"ip":"127.0.0.1"}]}}}' >/dev/null 2>&1 || true
        done || true
    sleep 1
  done
}

start() {
  local state="$1" t0 etcd_port etcd_peer api_port
  t0=$(date +%s)
  e2e_toolchain_missing | grep -qv '^provider-\|^pulumi' && { log "toolchain incomplete: run scripts/e2e/toolchain.sh"; e2e_toolchain_missing >&2; return 1; }
  mkdir -p "$state"/{logs,pids,etcd}
  state="$(cd "$state" && pwd)"
  touch "$state/running"
  make_pki "$state"
  etcd_port=$(free_port); etcd_peer=$(free_port); api_port=$(free_port)
  start_bg "$state" etcd etcd --data-dir "$state/etcd" --name e2e \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "e2e=http://127.0.0.1:$etcd_peer" --unsafe-no-fsync --quota-backend-bytes 4294967296
  wait_for 30 etcd curl -fsS "http://127.0.0.1:$etcd_port/health"
  local p="$state/pki"
  start_bg "$state" kube-apiserver kube-apiserver \
    --etcd-servers "http://127.0.0.1:$etcd_port" --bind-address 127.0.0.1 --advertise-address 127.0.0.1 \
    --secure-port "$api_port" --tls-cert-file "$p/apiserver.crt" --tls-private-key-file "$p/apiserver.key" \
    --client-ca-file "$p/ca.crt" --authorization-mode RBAC --allow-privileged=true \
    --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$p/sa.pub" --service-account-signing-key-file "$p/sa.key"
  write_kubeconfig "$state" "$api_port"
  export KUBECONFIG="$state/kubeconfig"
  wait_for 90 kube-apiserver kubectl get --raw /readyz
  start_bg "$state" kube-controller-manager kube-controller-manager --kubeconfig "$KUBECONFIG" \
    --bind-address 127.0.0.1 --secure-port "$(free_port)" --leader-elect=false \
    --service-account-private-key-file "$p/sa.key" --root-ca-file "$p/ca.crt" \
    --cluster-signing-cert-file "$p/ca.crt" --cluster-signing-key-file "$p/ca.key" \
    --node-monitor-grace-period 60s
  start_bg "$state" kube-scheduler kube-scheduler --kubeconfig "$KUBECONFIG" \
    --bind-address 127.0.0.1 --secure-port "$(free_port)" --leader-elect=false
  kwok_stages > "$state/kwok-stages.yaml"
  start_bg "$state" kwok kwok --kubeconfig "$KUBECONFIG" --config "$state/kwok-stages.yaml" \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --node-lease-duration-seconds 40 \
    --server-address "127.0.0.1:$(free_port)" --cidr 10.244.0.0/16 --node-ip 127.0.0.2
  fake_nodes | kubectl apply -f - >/dev/null
  kubectl apply -f - >/dev/null <<'SC'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: e2e-local }
provisioner: vibecode.dev/e2e-standin
reclaimPolicy: Retain
volumeBindingMode: Immediate
SC
  # The operators the e2e stack expects to find (installTraefik/installCertManager false): their namespaces, and
  # their CRDs from ../shared/schemas. Their controllers do not run.
  kubectl create namespace cert-manager >/dev/null
  kubectl create namespace traefik >/dev/null
  local schemas="${VIBECODE_SCHEMAS:-$E2E_REPO_ROOT/../shared/schemas}" f
  for f in "$schemas"/cert-manager/*.yaml "$schemas"/traefik/traefik.io_middlewares.yaml; do
    [[ -f "$f" ]] || { log "missing CRD $f (set VIBECODE_SCHEMAS to the shared schemas folder)"; return 1; }
    kubectl apply --server-side -f "$f" >/dev/null
  done
  kubectl wait --for condition=Established crd --all --timeout 60s >/dev/null
  wait_for 60 "the default ServiceAccount" kubectl -n default get serviceaccount default
  wait_for 60 "kwok nodes Ready" bash -c "[[ \$(kubectl get nodes --no-headers | grep -c ' Ready ') -eq $((NODES_PLATFORM + NODES_WORKSPACES)) ]]"
  start_bg "$state" standins bash "${BASH_SOURCE[0]}" _standins "$state"
  log "up in $(( $(date +%s) - t0 ))s: $(kubectl version -o json | node -pe 'JSON.parse(require("fs").readFileSync(0)).serverVersion.gitVersion'), $((NODES_PLATFORM + NODES_WORKSPACES)) kwok nodes, state $state"
  echo "$state/kubeconfig"
}

stop() {
  local state="$1" name pid
  [[ -d "$state/pids" ]] || return 0
  rm -f "$state/running"
  for name in standins kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    [[ -f "$state/pids/$name" ]] || continue
    pid="$(cat "$state/pids/$name")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$state/pids/$name"
  done
  log "stopped ($state)"
}

case "${1:-}" in
  start) [[ -n "${2:-}" ]] || { echo "usage: $0 start <state-dir>" >&2; exit 2; }; start "$2" ;;
  stop) [[ -n "${2:-}" ]] || { echo "usage: $0 stop <state-dir>" >&2; exit 2; }; stop "$2" ;;
  run)
    shift; [[ "${1:-}" == -- ]] && shift
    [[ $# -gt 0 ]] || { echo "usage: $0 run -- <cmd...>" >&2; exit 2; }
    STATE="$(mktemp -d "${TMPDIR:-/tmp}/vibecode-e2e-cp.XXXXXX")"
    cleanup() { stop "$STATE"; [[ -n "${E2E_KEEP_STATE:-}" ]] && log "state kept: $STATE" || rm -rf "$STATE"; }
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    KUBECONFIG="$(start "$STATE")" || { tail -n 20 "$STATE"/logs/*.log >&2 || true; exit 1; }
    export KUBECONFIG E2E_CONTROL_PLANE_STATE="$STATE"
    set +e; "$@"; rc=$?; set -e
    exit "$rc" ;;
  _standins) standins_loop "$2" ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
