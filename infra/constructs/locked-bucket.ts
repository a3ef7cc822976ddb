// What every bucket of SehatKota's is, whatever it holds: private, TLS only, owned by the account, versioned,
// kept when the stack goes. Encryption is each bucket's own choice (a customer key, or S3's where S3 requires it).
import { RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, type BucketProps, ObjectOwnership } from 'aws-cdk-lib/aws-s3';

export const LOCKED_BUCKET = {
  enforceSSL: true,
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  versioned: true,
  removalPolicy: RemovalPolicy.RETAIN,
} satisfies BucketProps;
