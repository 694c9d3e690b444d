/**
 * The typed Kubernetes 1.34 API that cdk8s-plus-34 ships (`k8s.KubeDeployment`, `k8s.Quantity`, …): its L1
 * classes only. Importing them from here rather than the package root skips loading cdk8s-plus's L2 library,
 * which the components do not use and every render and `pulumi up` would pay for at start-up.
 */
export * as k8s from "cdk8s-plus-34/lib/imports/k8s";
