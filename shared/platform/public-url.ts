// The city's public address, for links that leave the API (printed, texted).
/**
 * The address citizens and crews open links on (a letter's QR code, an acknowledgement link): always configuration,
 * never a request's Host or X-Forwarded-Proto, which a caller writes. In AWS the stack sets PUBLIC_BASE_URL to the
 * CloudFront address (or the city's own domain); locally the server sets its own address.
 */
export function publicBaseUrl(): string {
  const base = process.env.PUBLIC_BASE_URL;
  if (!base || !/^https?:\/\/[^\s/?#]+/.test(base)) {
    throw new Error(
      'PUBLIC_BASE_URL is not set to an http(s) address (the stack and the local server set it)',
    );
  }
  return base.replace(/\/+$/, '');
}
