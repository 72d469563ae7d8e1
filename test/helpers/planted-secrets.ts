// Secrets of every kind the redactor must catch, made at run time (no secret-shaped literal sits in
// the repository for a scanner to flag): each with the kind its marker must name.
export interface PlantedSecret {
  name: string;
  value: string;
  /** The marker's kind; the known-value kinds depend on the variable that holds them. */
  kind: string;
}

const pick = (alphabet: string, length: number, seed: number): string =>
  Array.from(
    { length },
    (_, i) => alphabet[(seed * 31 + i * 17 + ((i * i) % 7)) % alphabet.length],
  ).join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export const PLANTED_SECRETS: readonly PlantedSecret[] = [
  { name: 'GitHub classic PAT', value: `ghp_${pick(ALNUM, 36, 1)}`, kind: 'github-token' },
  { name: 'GitHub OAuth token', value: `gho_${pick(ALNUM, 36, 2)}`, kind: 'github-token' },
  { name: 'GitHub user-to-server', value: `ghu_${pick(ALNUM, 36, 3)}`, kind: 'github-token' },
  { name: 'GitHub installation token', value: `ghs_${pick(ALNUM, 36, 4)}`, kind: 'github-token' },
  { name: 'GitHub refresh token', value: `ghr_${pick(ALNUM, 36, 5)}`, kind: 'github-token' },
  {
    name: 'GitHub fine-grained PAT',
    value: `github_pat_${pick(ALNUM, 22, 6)}_${pick(ALNUM, 59, 7)}`,
    kind: 'github-token',
  },
  { name: 'OpenAI key', value: `sk-${pick(ALNUM, 48, 8)}`, kind: 'openai-key' },
  { name: 'OpenAI project key', value: `sk-proj-${pick(ALNUM, 56, 9)}`, kind: 'openai-key' },
  {
    name: 'Anthropic key',
    value: `sk-ant-api03-${pick(ALNUM, 93, 10)}AA`,
    kind: 'anthropic-key',
  },
  { name: 'AWS access key id', value: `AKIA${pick(UPPER, 16, 11)}`, kind: 'aws-key' },
  {
    name: 'AWS secret assignment',
    value: `aws_secret_access_key=${pick(ALNUM, 40, 12)}`,
    kind: 'aws-key',
  },
  {
    name: 'RSA private key block',
    value: `-----BEGIN RSA PRIVATE KEY-----\n${pick(ALNUM, 64, 13)}\n${pick(ALNUM, 64, 14)}\n-----END RSA PRIVATE KEY-----`,
    kind: 'private-key',
  },
  {
    name: 'OpenSSH private key block',
    value: `-----BEGIN OPENSSH PRIVATE KEY-----\n${pick(ALNUM, 70, 15)}\n-----END OPENSSH PRIVATE KEY-----`,
    kind: 'private-key',
  },
  {
    name: 'Slack bot token',
    value: `xoxb-${pick('0123456789', 12, 16)}-${pick(ALNUM, 24, 17)}`,
    kind: 'slack-token',
  },
  {
    name: 'Slack webhook',
    value: `https://hooks.slack.com/services/T${pick(UPPER, 8, 18)}/B${pick(UPPER, 8, 19)}/${pick(ALNUM, 24, 20)}`,
    kind: 'slack-token',
  },
  {
    name: 'JWT',
    value: `eyJhbGciOiJIUzI1NiJ9.eyJ${pick(ALNUM, 30, 21)}.${pick(ALNUM, 43, 22)}`,
    kind: 'jwt',
  },
  { name: 'bearer header', value: `Bearer ${pick(ALNUM, 40, 23)}`, kind: 'bearer-token' },
  { name: 'password assignment', value: `password=${pick(ALNUM, 14, 24)}`, kind: 'credential' },
  { name: 'api_key assignment', value: `api_key=${pick(ALNUM, 32, 25)}`, kind: 'credential' },
  { name: 'npm token', value: `npm_${pick(ALNUM, 36, 26)}`, kind: 'npm-token' },
  { name: 'Stripe live key', value: `sk_live_${pick(ALNUM, 30, 27)}`, kind: 'stripe-key' },
  { name: 'Google API key', value: `AIza${pick(ALNUM, 35, 28)}`, kind: 'google-api-key' },
];

/** The part of a planted secret that must never appear anywhere (the value, not its label). */
export function secretCore(secret: PlantedSecret): string {
  const assignment = /^(?:[a-z_]+=|Bearer )(.*)$/s.exec(secret.value);
  return assignment?.[1] ?? secret.value;
}

/** Text fragments that prove a leak: the secret's core, line by line (a key block's body lines). */
export function secretFragments(secret: PlantedSecret): string[] {
  return secretCore(secret)
    .split('\n')
    .filter((line) => line.length >= 16 && !line.startsWith('-----'));
}

/** The planted secrets found in `text`, by name: empty when nothing leaked. */
export function leakedSecrets(text: string, secrets = PLANTED_SECRETS): string[] {
  return secrets
    .filter((secret) => secretFragments(secret).some((fragment) => text.includes(fragment)))
    .map((secret) => secret.name);
}
