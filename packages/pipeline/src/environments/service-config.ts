// Runs an environment's variables through the service's own configuration loader, so a manifest
// that names a variable wrongly, forgets one that production requires, or points a *_FILE at a
// path no volume provides fails in a test rather than in a crash-looping pod.
import { loadConfig, type Config } from '@mastercom/service';

/** What a mounted secret file holds, by the variable it feeds; shaped like the real values. */
const SAMPLE_SECRETS: Record<string, string> = {
  DATABASE_URL: 'postgres://mastercom@db.internal:5432/mastercom',
  API_TOKENS: `read:${'r'.repeat(32)},ledger:${'l'.repeat(32)}`,
  // Sample subjects; the real ones come with Ethoca's client CA at onboarding.
  WEBHOOK_ALLOWED_SUBJECT_DNS: 'CN=alerts.sample.test,O=Sample Issuer',
  WEBHOOK_HMAC_SECRETS: 'whsec_c2FtcGxlLXNlY3JldC1mb3ItdGhlLWNvbmZpZy10ZXN0',
  PSP_API_KEY: 'psp-key',
  MASTERCARD_SIGNING_KEY_P12_PASSWORD: 'keystorepassword',
};

/**
 * Loads the configuration from `env`. `files` maps each path a *_FILE variable may name to the
 * variable it belongs to: a path outside it fails as an unreadable file would.
 */
export function loadServiceConfig(
  env: Record<string, string | undefined>,
  files: Map<string, string>,
): Config {
  return loadConfig(env, (path) => {
    const variable = files.get(path);
    if (variable === undefined) {
      throw Object.assign(new Error(`no such file ${path}`), { code: 'ENOENT' });
    }
    return SAMPLE_SECRETS[variable] ?? `${variable.toLowerCase()}-sample`;
  });
}
