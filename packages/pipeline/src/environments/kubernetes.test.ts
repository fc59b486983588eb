/* eslint-disable security/detect-non-literal-fs-filename -- the contracts' committed document */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Deployment } from 'kubernetes-models/apps/v1';
import type { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import type { ConfigMap, IContainer } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { ingressPathMatches } from './ingress-paths.js';
import { type ManifestObject, renderOverlay, toModel } from './manifests.js';
import { loadServiceConfig } from './service-config.js';

const openapi = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@mastercom/contracts/openapi.json'), 'utf8'),
) as { paths: Record<string, unknown> };

const ENVIRONMENTS = ['staging', 'production'] as const;
const rendered = Object.fromEntries(
  ENVIRONMENTS.map((environment) => [environment, renderOverlay(environment)]),
) as Record<(typeof ENVIRONMENTS)[number], ManifestObject[]>;

function ofKind<T extends ManifestObject>(objects: ManifestObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}

function serviceContainer(deployment: Deployment): IContainer {
  const container = deployment.spec?.template.spec?.containers.find((c) => c.name === 'service');
  if (container === undefined)
    throw new Error(`${deployment.metadata?.name} has no service container`);
  return container;
}

function configMap(objects: ManifestObject[]): Record<string, string> {
  const [map] = ofKind<ConfigMap>(objects, 'ConfigMap');
  return map?.data ?? {};
}

describe('toModel', () => {
  it('rejects an object that breaks the Kubernetes schema', () => {
    expect(() =>
      toModel({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'broken' },
        spec: { replicas: 'two', selector: {}, template: {} },
      }),
    ).toThrow();
  });

  it('refuses a kind it has no schema for', () => {
    expect(() => toModel({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })).toThrow(
      'no schema for v1/Pod',
    );
  });
});

describe.each(ENVIRONMENTS)('k8s/%s', (environment) => {
  const objects = rendered[environment];
  const deployments = ofKind<Deployment>(objects, 'Deployment');

  it('renders the web and worker Deployments and their companions, all in one namespace', () => {
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual([
      'mastercom-service-web',
      'mastercom-service-worker',
    ]);
    const kinds = new Set(objects.map((object) => object.kind));
    for (const kind of [
      'Service',
      'ServiceAccount',
      'ConfigMap',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'Ingress',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(new Set(objects.map((object) => object.metadata?.namespace))).toEqual(
      new Set([`mastercom-${environment}`]),
    );
  });

  it.each(['web', 'worker'])('runs the %s role with its probes on the health endpoints', (role) => {
    const deployment = deployments.find((d) => d.metadata?.name === `mastercom-service-${role}`);
    if (deployment === undefined) throw new Error(`no ${role} Deployment`);
    const container = serviceContainer(deployment);
    expect(container.env?.find((e) => e.name === 'SERVICE_ROLE')?.value).toBe(role);
    expect(container.startupProbe?.httpGet?.path).toBe('/health');
    expect(container.readinessProbe?.httpGet?.path).toBe('/health');
    expect(container.livenessProbe?.httpGet?.path).toBe('/__ops/ping');
    for (const probe of [
      container.startupProbe,
      container.readinessProbe,
      container.livenessProbe,
    ]) {
      expect(probe?.httpGet?.port).toBe('http');
    }
    expect(container.ports).toContainEqual({ name: 'http', containerPort: 8080, protocol: 'TCP' });
  });

  it('gives SIGTERM room: preStop pause plus the shutdown grace fit in the termination period', () => {
    const grace = Number(configMap(objects).SHUTDOWN_GRACE_MS);
    expect(grace).toBe(10_000);
    for (const deployment of deployments) {
      const container = serviceContainer(deployment);
      const command = container.lifecycle?.preStop?.exec?.command ?? [];
      // Shell-free: the image runs `sleep` directly.
      expect(command[0]).toBe('sleep');
      const pause = Number(command[1]);
      expect(pause).toBeGreaterThan(0);
      const period = deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30;
      expect(period).toBeGreaterThan(pause + grace / 1000);
    }
  });

  it('runs non-root on a read-only root filesystem with no capabilities and RuntimeDefault seccomp', () => {
    for (const deployment of deployments) {
      const pod = deployment.spec?.template.spec;
      expect(pod?.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod?.automountServiceAccountToken).toBe(false);
      const container = serviceContainer(deployment);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
      expect(pod?.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
    }
  });

  it('reads configuration from the ConfigMap and every secret from a mounted Secret file', () => {
    for (const deployment of deployments) {
      const container = serviceContainer(deployment);
      const pod = deployment.spec?.template.spec;
      expect(container.envFrom?.[0]?.configMapRef?.name).toMatch(/^mastercom-service/);
      expect(ofKind<ConfigMap>(objects, 'ConfigMap').map((map) => map.metadata?.name)).toContain(
        container.envFrom?.[0]?.configMapRef?.name,
      );
      const env = new Map((container.env ?? []).map((e) => [e.name, e.value]));
      for (const name of [
        'DATABASE_URL_FILE',
        'API_TOKENS_FILE',
        'WEBHOOK_HMAC_SECRETS_FILE',
        'WEBHOOK_ALLOWED_SUBJECT_DNS_FILE',
        'PSP_API_KEY_FILE',
        'MASTERCARD_SIGNING_KEY_P12_PASSWORD_FILE',
        'MASTERCARD_SIGNING_KEY_P12_PATH',
      ]) {
        const file = env.get(name);
        expect(file).toEqual(expect.stringMatching(/^\/var\/run\/secrets\/mastercom\//));
        // The file lies under a mount of a Secret volume, and the plain variable is not set.
        const mount = container.volumeMounts?.find((m) => file?.startsWith(`${m.mountPath}/`));
        expect(mount?.readOnly).toBe(true);
        const volume = pod?.volumes?.find((v) => v.name === mount?.name);
        expect(volume?.secret?.secretName).toMatch(/^mastercom-/);
        expect(env.has(name.replace(/_FILE$/, '')) && name.endsWith('_FILE')).toBe(false);
      }
      // No secret value is written into the manifests.
      for (const variable of container.env ?? []) {
        expect(variable.value ?? '').not.toMatch(/postgres(ql)?:\/\/|whsec_/);
      }
    }
  });

  it.each(['web', 'worker'])(
    'gives the %s role a configuration the service accepts in production',
    (role) => {
      const deployment = deployments.find((d) => d.metadata?.name === `mastercom-service-${role}`);
      if (deployment === undefined) throw new Error(`no ${role} Deployment`);
      const container = serviceContainer(deployment);
      const pod = deployment.spec?.template.spec;
      const labels = deployment.spec?.template.metadata?.labels ?? {};
      const env: Record<string, string | undefined> = { ...configMap(objects) };
      for (const variable of container.env ?? []) {
        const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
        const label = /^metadata\.labels\['(.+)'\]$/.exec(fieldPath ?? '')?.[1];
        env[variable.name] =
          variable.value ??
          (label === undefined
            ? undefined
            : // deploy.sh adds the version label with the image tag.
              (labels[label] ?? (label.endsWith('/version') ? 'abc123' : undefined))) ??
          (fieldPath === 'status.hostIP' ? '10.0.0.1' : undefined) ??
          (variable.valueFrom?.secretKeyRef
            ? `${variable.valueFrom.secretKeyRef.key}-sample`
            : undefined);
      }
      // Only files that a Secret volume provides exist.
      const files = new Map<string, string>();
      for (const [name, file] of Object.entries(env)) {
        if (!name.endsWith('_FILE') || file === undefined) continue;
        const mount = container.volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
        const secret = pod?.volumes?.find((v) => v.name === mount?.name)?.secret;
        const key = file.slice((mount?.mountPath.length ?? 0) + 1);
        if (secret && (secret.items === undefined || secret.items.some((i) => i.path === key))) {
          files.set(file, name.slice(0, -'_FILE'.length));
        }
      }
      const config = loadServiceConfig(env, files);
      expect(config.NODE_ENV).toBe('production');
      expect(config.SERVICE_ROLE).toBe(role);
      expect(config.DD_ENV).toBe(environment);
      expect(config.API_TOKENS).toEqual([`read:${'r'.repeat(32)}`, `ledger:${'l'.repeat(32)}`]);
      expect(config.WEBHOOK_TRUSTED_PROXIES).toHaveLength(1);
      // Trusted proxies forward a verified certificate; only Ethoca's subjects may deliver.
      expect(config.WEBHOOK_ALLOWED_SUBJECT_DNS).toEqual(['CN=alerts.sample.test,O=Sample Issuer']);
      expect(config.SHUTDOWN_GRACE_MS).toBe(10_000);
      expect(config.DATABASE_URL).toMatch(/^postgres:\/\//);
    },
  );

  it('carries the Datadog unified service tags and feeds DD_* from them', () => {
    for (const deployment of deployments) {
      for (const labels of [
        deployment.metadata?.labels,
        deployment.spec?.template.metadata?.labels,
      ]) {
        expect(labels).toMatchObject({
          'tags.datadoghq.com/env': environment,
          'tags.datadoghq.com/service': 'mastercom-service',
        });
      }
      const env = new Map((serviceContainer(deployment).env ?? []).map((e) => [e.name, e]));
      for (const [name, tag] of [
        ['DD_ENV', 'env'],
        ['DD_SERVICE', 'service'],
        ['DD_VERSION', 'version'],
      ] as const) {
        expect(env.get(name)?.valueFrom?.fieldRef?.fieldPath).toBe(
          `metadata.labels['tags.datadoghq.com/${tag}']`,
        );
      }
      expect(env.get('DD_AGENT_HOST')?.valueFrom?.fieldRef?.fieldPath).toBe('status.hostIP');
      const annotations = deployment.spec?.template.metadata?.annotations ?? {};
      expect(JSON.parse(annotations['ad.datadoghq.com/service.logs'] ?? '[]') as unknown).toEqual([
        { source: 'nodejs', service: 'mastercom-service' },
      ]);
      // The health monitor (monitoring/) watches this check's http.can_connect.
      expect(JSON.parse(annotations['ad.datadoghq.com/service.checks'] ?? '{}')).toEqual({
        http_check: {
          instances: [
            {
              name: 'mastercom-service-health',
              url: 'http://%%host%%:8080/health',
              timeout: 3,
            },
          ],
        },
      });
    }
  });

  it('never names a latest or untagged image other than the name deploy.sh replaces', () => {
    for (const deployment of deployments) {
      const image = serviceContainer(deployment).image ?? '';
      // scripts/deploy.sh sets `mastercom-service` to the commit's image and refuses latest.
      expect(image).toBe('mastercom-service');
      expect(image).not.toMatch(/:latest$/);
    }
  });

  it('lets only the ingress controllers reach the web pods, and nothing reach the workers', () => {
    const policies = ofKind(objects, 'NetworkPolicy') as {
      metadata?: { name?: string };
      spec?: {
        policyTypes?: string[];
        ingress?: { from?: { namespaceSelector?: { matchLabels?: Record<string, string> } }[] }[];
      };
    }[];
    const web = policies.find((p) => p.metadata?.name === 'mastercom-service-web');
    const worker = policies.find((p) => p.metadata?.name === 'mastercom-service-worker');
    const namespaces = (web?.spec?.ingress ?? [])
      .flatMap((rule) => rule.from ?? [])
      .map((peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']);
    expect(namespaces.sort()).toEqual(['ingress-nginx', 'ingress-nginx-internal']);
    expect(worker?.spec?.policyTypes).toEqual(['Ingress']);
    expect(worker?.spec?.ingress).toEqual([]);
  });

  it('limits voluntary disruptions to one pod per role', () => {
    const budgets = ofKind(objects, 'PodDisruptionBudget') as {
      spec?: { maxUnavailable?: number | string; selector?: { matchLabels?: object } };
    }[];
    expect(budgets).toHaveLength(2);
    for (const budget of budgets) expect(budget.spec?.maxUnavailable).toBe(1);
    const selected = budgets.map((budget) => budget.spec?.selector?.matchLabels);
    for (const deployment of deployments) {
      expect(selected).toContainEqual(deployment.spec?.selector.matchLabels);
    }
  });

  it('terminates mTLS on the webhook host only and keeps the internal API on another listener', () => {
    const ingresses = ofKind<Ingress>(objects, 'Ingress');
    const webhook = ingresses.find((i) => i.metadata?.name === 'mastercom-service-webhook');
    const internal = ingresses.find((i) => i.metadata?.name === 'mastercom-service-internal');
    const annotations = webhook?.metadata?.annotations ?? {};
    expect(annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/auth-tls-verify-client': 'on',
      'nginx.ingress.kubernetes.io/auth-tls-secret': `mastercom-${environment}/ethoca-client-ca`,
      'nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream': 'true',
    });
    const webhookPaths = webhook?.spec?.rules?.flatMap((rule) => rule.http?.paths ?? []) ?? [];
    expect(webhookPaths.map((p) => [p.path, p.pathType])).toEqual([
      ['/api/v6/webhooks/ethoca', 'Exact'],
    ]);

    const internalAnnotations = Object.keys(internal?.metadata?.annotations ?? {});
    expect(internalAnnotations.filter((key) => key.includes('auth-tls'))).toEqual([]);
    expect(internal?.spec?.ingressClassName).not.toBe(webhook?.spec?.ingressClassName);
    const webhookHosts = new Set(webhook?.spec?.rules?.map((rule) => rule.host));
    for (const rule of internal?.spec?.rules ?? []) expect(webhookHosts.has(rule.host)).toBe(false);
    const internalPaths = internal?.spec?.rules?.flatMap((r) => r.http?.paths ?? []) ?? [];
    expect(internalPaths.map((p) => p.path)).toEqual(
      expect.arrayContaining(['/api/v6/alerts', '/api/v6/cases', '/api/v6/transactions']),
    );
    expect(internalPaths.map((p) => p.path)).not.toContain('/api/v6/webhooks/ethoca');
    for (const host of [...webhookHosts]) expect(host).toContain(environment);
  });

  it('routes every operation of the API and every page to the web role, on the internal host', () => {
    const internal = ofKind<Ingress>(objects, 'Ingress').find(
      (i) => i.metadata?.name === 'mastercom-service-internal',
    );
    const paths = (internal?.spec?.rules?.flatMap((r) => r.http?.paths ?? []) ?? []).map((p) => ({
      path: p.path ?? '',
      pathType: p.pathType as 'Exact' | 'Prefix',
    }));
    const routed = (request: string) => paths.some((rule) => ingressPathMatches(rule, request));
    // Every path of the committed OpenAPI document, a sample value in each parameter; the
    // webhook is the public host's alone.
    const operations = Object.keys(openapi.paths)
      .filter((path) => path !== '/api/v6/webhooks/ethoca')
      .map((path) => path.replace(/\{[^}]+\}/g, 'SAMPLE-ID'));
    const pages = ['/desk', '/desk/', '/desk/assets/index-abc.js', '/docs', '/openapi.json'];
    expect([...operations, ...pages].filter((request) => !routed(request))).toEqual([]);
    expect(routed('/api/v6/webhooks/ethoca')).toBe(false);
  });

  it('trusts the forwarded verdict only from the ingress range, in the headers ingress-nginx sets', () => {
    const config = configMap(objects);
    expect(config.WEBHOOK_TRUSTED_PROXIES).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    expect(config.WEBHOOK_PROXY_VERIFY_HEADER).toBe('ssl-client-verify');
    expect(config.WEBHOOK_PROXY_SUBJECT_HEADER).toBe('ssl-client-subject-dn');
    expect(config.NODE_ENV).toBe('production');
  });
});

describe('scale', () => {
  it('runs two of each role in staging, without an autoscaler', () => {
    const objects = rendered.staging;
    for (const deployment of ofKind<Deployment>(objects, 'Deployment')) {
      expect(deployment.spec?.replicas).toBe(2);
    }
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  it('lets an HPA with a minimum of five own each production Deployment, at the sized resources', () => {
    const objects = rendered.production;
    const autoscalers = ofKind<HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
    for (const deployment of ofKind<Deployment>(objects, 'Deployment')) {
      // A fixed replica count would fight the autoscaler on every apply.
      expect(deployment.spec?.replicas).toBeUndefined();
      const autoscaler = autoscalers.find(
        (hpa) =>
          hpa.spec.scaleTargetRef.kind === 'Deployment' &&
          hpa.spec.scaleTargetRef.name === deployment.metadata?.name,
      );
      expect(autoscaler?.spec.minReplicas).toBe(5);
      expect(autoscaler?.spec.maxReplicas).toBeGreaterThanOrEqual(5);
      expect(serviceContainer(deployment).resources).toEqual({
        requests: { cpu: '250m', memory: '256Mi' },
        limits: { cpu: '500m', memory: '512Mi' },
      });
    }
    expect(autoscalers).toHaveLength(2);
  });
});
