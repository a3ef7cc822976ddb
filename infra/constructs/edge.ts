// The way in from the internet: a CloudFront distribution in front of the HTTP API, with an AWS WAF web ACL on it.
// WAF cannot be put on an HTTP API itself, and a CloudFront web ACL must live in us-east-1: EdgeStack holds it there,
// and the distribution (in the main stack) reads its ARN with Fn::GetStackOutput, so synthesis needs no account.
// The API's own execute-api endpoint stays reachable (CloudFront needs it as its origin); its stage and route
// throttling bound what anyone sends there directly.
import { Duration, ReferenceStrength, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';
import { WebAcl } from './web-acl.ts';

/** CloudFront's web ACLs (scope CLOUDFRONT) exist only in us-east-1. */
export const EDGE_REGION = 'us-east-1';

/** The us-east-1 stack with the API's web ACL and its logs (and the key they are encrypted with). */
export class EdgeStack extends Stack {
  readonly webAcl: WebAcl;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, env: { ...props.env, region: EDGE_REGION } });
    this.webAcl = new WebAcl(this, 'ApiWebAcl', { scope: 'CLOUDFRONT', name: 'Api', commonRuleSet: true });
    // Read by the main stack with Fn::GetStackOutput: no custom resource, no SSM parameters, nothing to look up
    // at synthesis; the main stack is deployed after this one.
    this.webAcl.acl.applyCrossStackReferenceStrength(ReferenceStrength.WEAK);
  }
}

export interface ApiDistributionProps {
  api: IHttpApi;
  /** The ARN of the CLOUDFRONT-scope web ACL (EdgeStack's). */
  webAclArn: string;
}

/** The public fund pages' path pattern: /dana, /dana/ and everything under it (functions/web/dana-*.ts). */
export const PUBLIC_PAGES_PATH = '/dana*';

/**
 * CloudFront in front of the HTTP API: nothing cached, every viewer header but Host passed on, HTTPS only — but
 * for the public fund pages, which are the same for everyone and may be kept a short while.
 */
export class ApiDistribution extends Construct {
  readonly distribution: Distribution;
  /** https://<distribution domain>, without a trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiDistributionProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const origin = new HttpOrigin(`${props.api.apiId}.execute-api.${region}.${Stack.of(this).urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      // API Gateway answers within 29 s (its integration limit); CloudFront waits a little longer.
      readTimeout: Duration.seconds(30),
    });
    // The fund pages carry no token and nothing per caller: a copy may serve everyone asking the same URL. The
    // pages say how long (public, max-age=60, s-maxage=300), within these bounds; the key is the path, the three
    // query strings the pages read and the encoding. Nothing else reaches the function (no cookie, no header but
    // Accept-Encoding, no other query string), so nothing else can make two answers to one key differ.
    const publicPages = new CachePolicy(this, 'PublicPagesCache', {
      comment: 'SehatKota: the public fund pages (/dana*), kept a short while',
      defaultTtl: Duration.seconds(60),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(300),
      queryStringBehavior: CacheQueryStringBehavior.allowList('q', 'tahun', 'kel'),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'SehatKota: the HTTP API behind AWS WAF',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        // Every answer is per caller (tokens, NIKs): never cached. With caching off, the Authorization header
        // passes to the origin with the rest; Host does not, since API Gateway routes by its own host name.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      additionalBehaviors: {
        [PUBLIC_PAGES_PATH]: {
          origin,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachedMethods: CachedMethods.CACHE_GET_HEAD,
          cachePolicy: publicPages,
          // The pages come gzipped from the function; CloudFront compresses only what arrives uncompressed.
          compress: true,
        },
      },
      webAclId: props.webAclArn,
      // Edge locations in Asia (Jakarta among them) are in PriceClass_200; PriceClass_100 is Europe and America.
      priceClass: PriceClass.PRICE_CLASS_200,
      httpVersion: HttpVersion.HTTP2_AND_3,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geographic restriction: responders and RT chairs reach it over Indonesian mobile networks whose ' +
          'addresses geolocation databases do not always place in Indonesia, and a 112 acknowledgement link ' +
          'must never be refused by a map. The web ACL limits each address instead.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "CloudFront's standard logs would write every full URL, and paths carry NIKs (/residents/{nik}), to " +
          "another store. The API's access log records each request by route, status and caller; the web " +
          "ACL's log records what it refused, paths redacted.",
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'It serves on its *.cloudfront.net name, whose default certificate CloudFront offers no minimum TLS ' +
          'version for; the origin leg is TLS 1.2. With a custom domain and certificate (PUBLIC_BASE_URL), ' +
          'TLSv1.2_2021 would be set.',
      },
    );
  }
}
