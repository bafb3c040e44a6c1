package org.x86play.server.snapshots;

import java.io.IOException;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A {@link BlobStore} in a bucket of an S3-compatible object store (AWS SDK v2, path-style addressing so any
 * endpoint URL works). A single PUT is atomic in S3: a GET returns the whole previous object or the whole new
 * one, never a mix, so {@link ChunkedSnapshotStore}'s commit protocol (chunks first, record last) holds here too.
 * Keys are prefixed with an optional folder ({@code prefix}).
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {
    /** Where and as whom: endpoint URL (e.g. {@code https://s3.eu-central-1.amazonaws.com} or a MinIO/Ceph URL). */
    public record Settings(URI endpoint, String region, String bucket, String accessKey, String secretKey, String prefix) {
        public Settings {
            if (endpoint == null || bucket == null || bucket.isBlank()) throw new IllegalArgumentException("S3 store needs an endpoint URL and a bucket");
            region = region == null || region.isBlank() ? "us-east-1" : region;
            prefix = prefix == null ? "" : prefix;
        }
    }

    private final S3Client s3;
    private final String bucket, prefix;

    public S3BlobStore(Settings s) {
        this.bucket = s.bucket();
        this.prefix = s.prefix();
        this.s3 = S3Client.builder()
                .endpointOverride(s.endpoint())
                .region(Region.of(s.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey())))
                .forcePathStyle(true)
                // Only the checksums the API requires: S3-compatible servers do not all accept the SDK's default
                // flexible checksums (aws-chunked trailers); chunks and records carry their own SHA-256 anyway.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Creates the bucket when it does not exist yet (for a fresh deployment or a test server). */
    public S3BlobStore createBucketIfMissing() throws IOException {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            create();
        } catch (S3Exception e) {
            if (e.statusCode() != 404) throw wrap("HEAD bucket", e);
            create();
        } catch (SdkException e) {
            throw wrap("HEAD bucket", e);
        }
        return this;
    }

    private void create() throws IOException {
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            throw wrap("create bucket", e);
        }
    }

    @Override
    public void put(String key, byte[] data) throws IOException {
        try {
            s3.putObject(b -> b.bucket(bucket).key(prefix + key).contentLength((long) data.length), RequestBody.fromBytes(data));
        } catch (SdkException e) {
            throw wrap("PUT " + key, e);
        }
    }

    @Override
    public byte[] get(String key) throws IOException {
        try {
            return s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key)).asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return null;
            throw wrap("GET " + key, e);
        } catch (SdkException e) {
            throw wrap("GET " + key, e);
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        try {
            s3.headObject(b -> b.bucket(bucket).key(prefix + key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return false;
            throw wrap("HEAD " + key, e);
        } catch (SdkException e) {
            throw wrap("HEAD " + key, e);
        }
    }

    @Override
    public long count(String keyPrefix) throws IOException {
        try {
            ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + keyPrefix).build();
            return s3.listObjectsV2Paginator(req).contents().stream().count();
        } catch (SdkException e) {
            throw wrap("LIST " + keyPrefix, e);
        }
    }

    private IOException wrap(String what, SdkException e) {
        return new IOException("S3 " + what + " in bucket " + bucket + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        s3.close();
    }
}
