# shellcheck shell=bash
# Shared by the e2e scripts: pinned versions and where the toolchain lives (outside the repository).
# Source it; it defines variables and small helpers only.

E2E_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
E2E_CACHE="${VIBECODE_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vibecode-e2e}"

e2e_npm_version() { # version of an installed npm package (the SDKs decide the plugin versions)
  node -p "require('$E2E_REPO_ROOT/node_modules/$1/package.json').version.replace(/^v/, '')"
}

# Pulumi CLI + Node language host: the @pulumi/pulumi SDK's version.
PULUMI_VERSION="${PULUMI_VERSION:-$(e2e_npm_version @pulumi/pulumi)}"
# Resource providers: the npm SDKs' versions (the SDKs ask the engine for exactly these plugin versions).
K8S_PROVIDER_VERSION="${K8S_PROVIDER_VERSION:-$(e2e_npm_version @pulumi/kubernetes)}"
RANDOM_PROVIDER_VERSION="${RANDOM_PROVIDER_VERSION:-$(e2e_npm_version @pulumi/random)}"
# Control plane.
KUBE_VERSION="${KUBE_VERSION:-v1.34.4}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.4}"

E2E_PULUMI_DIR="$E2E_CACHE/pulumi-v$PULUMI_VERSION"          # bin/pulumi, bin/pulumi-language-nodejs
E2E_PULUMI_HOME="$E2E_CACHE/pulumi-home"                       # PULUMI_HOME: installed provider plugins
E2E_KUBE_DIR="$E2E_CACHE/kubernetes-$KUBE_VERSION"             # bin/kube-apiserver, ..., bin/kubectl
E2E_KWOK_DIR="$E2E_CACHE/kwok-$KWOK_VERSION"
E2E_ETCD_DIR="$E2E_CACHE/etcd-$ETCD_VERSION"
e2e_provider_dir() { echo "$E2E_CACHE/pulumi-resource-$1-v$2"; }
e2e_plugin_binary() { echo "$E2E_PULUMI_HOME/plugins/resource-$1-v$2/pulumi-resource-$1"; }

# A toolchain directory is complete once it holds this stamp (written last, after a successful build).
E2E_STAMP=.complete

e2e_component_complete() { # <dir> <binary...>
  local dir="$1" b; shift
  [[ -f "$dir/$E2E_STAMP" ]] || return 1
  for b in "$@"; do [[ -x "$dir/bin/$b" ]] || return 1; done
}

e2e_toolchain_path() {
  echo "$E2E_PULUMI_DIR/bin:$E2E_KUBE_DIR/bin:$E2E_KWOK_DIR/bin:$E2E_ETCD_DIR/bin"
}

e2e_toolchain_env() { # export lines for a shell that runs the toolchain
  echo "export PATH=\"$(e2e_toolchain_path):\$PATH\""
  echo "export PULUMI_HOME=\"$E2E_PULUMI_HOME\""
  echo "export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true"
}

# The command provider (@pulumi/command) is not part of the toolchain: the program uses it only with
# `cluster: kind`, and the e2e stack uses an existing cluster.
e2e_toolchain_missing() { # prints the missing components, one per line; empty output = complete
  e2e_component_complete "$E2E_ETCD_DIR" etcd || echo "etcd $ETCD_VERSION"
  e2e_component_complete "$E2E_KWOK_DIR" kwok || echo "kwok $KWOK_VERSION"
  e2e_component_complete "$E2E_KUBE_DIR" kube-apiserver kube-controller-manager kube-scheduler kubectl \
    || echo "kubernetes $KUBE_VERSION"
  e2e_component_complete "$E2E_PULUMI_DIR" pulumi pulumi-language-nodejs || echo "pulumi v$PULUMI_VERSION"
  { e2e_component_complete "$(e2e_provider_dir kubernetes "$K8S_PROVIDER_VERSION")" pulumi-resource-kubernetes \
    && [[ -x "$(e2e_plugin_binary kubernetes "$K8S_PROVIDER_VERSION")" ]]; } \
    || echo "provider-kubernetes v$K8S_PROVIDER_VERSION"
  { e2e_component_complete "$(e2e_provider_dir random "$RANDOM_PROVIDER_VERSION")" pulumi-resource-random \
    && [[ -x "$(e2e_plugin_binary random "$RANDOM_PROVIDER_VERSION")" ]]; } \
    || echo "provider-random v$RANDOM_PROVIDER_VERSION"
}
