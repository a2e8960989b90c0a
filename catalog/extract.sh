#!/usr/bin/env bash
# Re-extracts every upstream fact the component catalog is checked against, at the exact tags the
# catalog pins, from local Git clones of the upstream projects (no network; `git --git-dir`).
#
#   MIRROR=/path/to/mirrors catalog/extract.sh
#
# MIRROR holds one bare clone per project, named `<owner>+<name>/repo` (for example
# `bitnami+charts/repo`). Chart files keep their hand-read `facts`; CRD directories are rewritten.
# Then `cargo test --test main contracts` checks compiler/catalog.rs against the new facts.
set -euo pipefail
cd "$(dirname "$0")"
: "${MIRROR:?set MIRROR to the directory of upstream clones}"
extract=(python3 extract.py)

chart() { # project tag path output
    "${extract[@]}" chart "$MIRROR/${1/\//+}/repo" "$1" "$2" "$3" "charts/$4.json"
}
crds() { # project tag output kinds path...
    local project=$1 tag=$2 out=$3 kinds=$4
    shift 4
    rm -rf "crds/$out"
    "${extract[@]}" crds "$MIRROR/${project/\//+}/repo" "$project" "$tag" "$@" --out "crds/$out" --kinds "$kinds"
}

for pinned in postgresql/15.5.20 redis/19.6.4 rabbitmq/14.6.6 keycloak/21.8.0 minio/14.6.0 mongodb/15.6.0 kafka/29.3.0; do
    chart bitnami/charts "$pinned" "bitnami/${pinned%/*}" "${pinned/\//-}"
done
chart Kong/charts kong-2.33.0 charts/kong kong-2.33.0
chart prometheus-community/helm-charts kube-prometheus-stack-61.3.0 charts/kube-prometheus-stack kube-prometheus-stack-61.3.0
chart grafana/loki helm-loki-6.6.0 production/helm/loki loki-6.6.0
chart linkerd/linkerd2 stable-2.14.10 charts/linkerd-control-plane linkerd-control-plane-1.16.11
chart linkerd/linkerd2 stable-2.14.10 charts/linkerd-crds linkerd-crds-1.8.0
chart external-secrets/external-secrets helm-chart-0.9.20 deploy/charts/external-secrets external-secrets-0.9.20
chart bitnami-labs/sealed-secrets helm-v2.16.0 helm/sealed-secrets sealed-secrets-2.16.0
chart kubernetes-sigs/secrets-store-csi-driver v1.4.4 charts/secrets-store-csi-driver secrets-store-csi-driver-1.4.4
chart aws/secrets-store-csi-driver-provider-aws 3.1.1 charts/secrets-store-csi-driver-provider-aws secrets-store-csi-driver-provider-aws-3.1.1
chart stakater/Reloader v1.0.115 deployments/kubernetes/chart/reloader reloader-1.0.115
chart traefik/traefik-helm-chart v28.3.0 traefik traefik-28.3.0
chart kubernetes/ingress-nginx helm-chart-4.10.1 charts/ingress-nginx ingress-nginx-4.10.1
chart metallb/metallb v0.14.5 charts/metallb metallb-0.14.5

# The CRD schemas of the kinds Slipway renders, at the versions the catalog pins (ArgoCD's at the
# version the README names; external-secrets also at 0.16.0, the oldest operator serving v1, which a
# platform gets when the operator is a prerequisite rather than a component).
crds argoproj/argo-cd v3.5.1 argo-cd-v3.5.1 Application,AppProject manifests/crds
crds external-secrets/external-secrets v0.9.20 external-secrets-v0.9.20 ExternalSecret,SecretStore,ClusterSecretStore config/crds/bases
crds external-secrets/external-secrets v0.16.0 external-secrets-v0.16.0 ExternalSecret,SecretStore,ClusterSecretStore config/crds/bases
crds Kong/charts kong-2.33.0 kong-2.33.0 KongPlugin,KongConsumer,KongClusterPlugin charts/kong/crds
crds prometheus-community/helm-charts kube-prometheus-stack-61.3.0 kube-prometheus-stack-61.3.0 ServiceMonitor,PodMonitor charts/kube-prometheus-stack/charts/crds/crds
crds bitnami-labs/sealed-secrets helm-v2.16.0 sealed-secrets-helm-v2.16.0 SealedSecret helm/sealed-secrets/crds
crds kubernetes-sigs/secrets-store-csi-driver v1.4.4 secrets-store-csi-driver-v1.4.4 SecretProviderClass charts/secrets-store-csi-driver/crds
crds traefik/traefik-helm-chart v28.3.0 traefik-v28.3.0 IngressRoute,Middleware traefik/crds
crds metallb/metallb v0.14.5 metallb-v0.14.5 IPAddressPool,L2Advertisement config/crd/bases

# kube-prometheus-stack's subcharts: its Chart.yaml asks for version ranges (5.21.*, 4.37.*, 8.3.*) and
# the repository keeps no Chart.lock, so these are the newest tags of each range on the stack's release
# date, not read from the published tarball.
chart prometheus-community/helm-charts kube-state-metrics-5.21.0 charts/kube-state-metrics kube-state-metrics-5.21.0
chart prometheus-community/helm-charts prometheus-node-exporter-4.37.0 charts/prometheus-node-exporter prometheus-node-exporter-4.37.0
chart grafana/helm-charts grafana-8.3.2 charts/grafana grafana-8.3.2

# Kinds added for the seeds' platforms (Grafana on a NodePort, the AWS Load Balancer Controller). The
# controller's chart is published from aws/eks-charts, which has no tag per chart; its files at the
# controller's own tag are identical (see the facts' notes), so they are read there.
chart grafana/helm-charts grafana-10.5.15 charts/grafana grafana-10.5.15
chart kubernetes-sigs/aws-load-balancer-controller v3.5.0 helm/aws-load-balancer-controller aws-load-balancer-controller-3.5.0

# The annotation names the gateway render writes, each found in the source of the controller at the
# version the pinned chart runs (Kong chart 2.33.0 runs KIC image tag `3.0`, whose newest release is
# v3.0.2; ingress-nginx chart 4.10.1 runs controller v1.10.1), and cert-manager's ingress-shim names
# (cert-manager is a prerequisite, not a component: v1.14.5). Traefik's Middleware and IngressRoute
# fields are checked against its CRD schemas above, not here.
strings() { # project tag NAME=PATH:STRING...
    local project=$1 tag=$2
    shift 2
    "${extract[@]}" strings "$MIRROR/${project/\//+}/repo" "$project" "$tag" gateways/annotations.json "$@"
}
rm -f gateways/annotations.json
mkdir -p gateways
kic=internal/annotations/annotations.go
strings Kong/kubernetes-ingress-controller v3.0.2 \
    prefix=$kic:'"konghq.com"' strip-path=$kic:'"/strip-path"' protocol=$kic:'"/protocol"' \
    protocols=$kic:'"/protocols"' https-redirect-status-code=$kic:'"/https-redirect-status-code"' \
    read-timeout=$kic:'"/read-timeout"' write-timeout=$kic:'"/write-timeout"' \
    service-annotations=internal/dataplane/kongstate/service.go:'s.overrideByAnnotation(svc.Annotations)' \
    protocols-valid=internal/util/protocol.go:'\Agrpc$'
nginx=internal/ingress/annotations
strings kubernetes/ingress-nginx controller-v1.10.1 \
    prefix=$nginx/parser/main.go:'"nginx.ingress.kubernetes.io"' \
    ssl-redirect=$nginx/rewrite/main.go:'"ssl-redirect"' force-ssl-redirect=$nginx/rewrite/main.go:'"force-ssl-redirect"' \
    rewrite-target=$nginx/rewrite/main.go:'"rewrite-target"' use-regex=$nginx/rewrite/main.go:'"use-regex"' \
    backend-protocol=$nginx/backendprotocol/main.go:'"backend-protocol"' \
    backend-protocol-grpc=$nginx/backendprotocol/main.go:'"grpc"' \
    proxy-read-timeout=$nginx/proxy/main.go:'"proxy-read-timeout"' proxy-send-timeout=$nginx/proxy/main.go:'"proxy-send-timeout"'
strings cert-manager/cert-manager v1.14.5 \
    issuer=pkg/apis/certmanager/v1/types.go:'"cert-manager.io/issuer"' \
    cluster-issuer=pkg/apis/certmanager/v1/types.go:'"cert-manager.io/cluster-issuer"'
crds cert-manager/cert-manager v1.14.5 cert-manager-v1.14.5 Certificate deploy/crds

# ArangoDB (seed 004): the kube-arangodb operator's chart, and the ArangoDeployment's schema. The chart's
# CRD at 1.4.4 has no schema (`x-kubernetes-preserve-unknown-fields` on every version); the operator keeps
# the generated one beside it and installs it with `--crd.validation-schema`, so that is what Slipway's
# ArangoDeployment is checked against.
chart arangodb/kube-arangodb 1.4.4 chart/kube-arangodb kube-arangodb-1.4.4
rm -rf crds/kube-arangodb-1.4.4
"${extract[@]}" schema "$MIRROR/arangodb+kube-arangodb/repo" arangodb/kube-arangodb 1.4.4 \
    chart/kube-arangodb/crds/database-deployment.yaml pkg/crd/crds/database-deployment.schema.generated.yaml \
    --out crds/kube-arangodb-1.4.4
