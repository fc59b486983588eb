import type { Config } from './config.js';
import {
  createMastercardSigner,
  loadSigningKey,
  type MastercardSigner,
} from './platform/security/mastercard-signing.js';

type MastercardSigningConfig = Pick<
  Config,
  | 'MASTERCARD_CONSUMER_KEY'
  | 'MASTERCARD_SIGNING_KEY_P12_PATH'
  | 'MASTERCARD_SIGNING_KEY_P12_PASSWORD'
  | 'MASTERCARD_SIGNING_KEY_ALIAS'
  | 'MASTERCARD_SIGNING_KEY_PEM_PATH'
>;

/**
 * The signer the configuration describes, or undefined when no consumer key is configured (a
 * development instance that talks to no Mastercard API). `loadConfig` has already checked that
 * a consumer key comes with exactly one key file.
 */
export async function mastercardSignerFromConfig(
  config: MastercardSigningConfig,
): Promise<MastercardSigner | undefined> {
  if (config.MASTERCARD_CONSUMER_KEY === undefined) return undefined;
  const signingKeyPem = await loadSigningKey({
    p12Path: config.MASTERCARD_SIGNING_KEY_P12_PATH,
    p12Password: config.MASTERCARD_SIGNING_KEY_P12_PASSWORD,
    p12Alias: config.MASTERCARD_SIGNING_KEY_ALIAS,
    pemPath: config.MASTERCARD_SIGNING_KEY_PEM_PATH,
  });
  return createMastercardSigner({ consumerKey: config.MASTERCARD_CONSUMER_KEY, signingKeyPem });
}
