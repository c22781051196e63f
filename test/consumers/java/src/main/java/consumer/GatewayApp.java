// A Java user's app: the published artifact, run by the aws-cdk CLI (`cdk synth`, see cdk.json).
// It builds the same gateway as the other consumers: 150 tenants in a stack with a concrete env,
// the Availability Zones named, and an output per distribution.
package consumer;

import io.github.cdkmultitenantgateway.MultiTenantGateway;
import io.github.cdkmultitenantgateway.TenantProps;
import io.github.cdkmultitenantgateway.Tenants;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.cloudfront.IDistribution;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;

public final class GatewayApp {
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";

    private GatewayApp() {
    }

    /** `count` single-domain tenants: tenant-0 (tenant-0.example.com) and on. */
    static List<TenantProps> tenants(int count) {
        List<TenantProps> tenants = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tenants.add(TenantProps.builder().id("tenant-" + i).domainNames(List.of("tenant-" + i + ".example.com")).build());
        }
        return tenants;
    }

    /** A stack with a concrete env, as every consumer app makes it. */
    static Stack stack(App app) {
        return new Stack(app, "ConsumerGateway", StackProps.builder()
                .env(Environment.builder().account(ACCOUNT).region(REGION).build())
                .build());
    }

    /** The gateway every consumer app builds, for the given tenants. */
    static MultiTenantGateway gateway(Stack stack, Tenants tenants) {
        return MultiTenantGateway.Builder.create(stack, "Gateway")
                .tenants(tenants)
                .hostedZone(HostedZone.fromHostedZoneAttributes(stack, "Zone", HostedZoneAttributes.builder()
                        .hostedZoneId("Z0123456789EXAMPLE")
                        .zoneName("example.com")
                        .build()))
                .distributionCertificate(Certificate.fromCertificateArn(stack, "EdgeCertificate",
                        "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"))
                .loadBalancerCertificates(List.of(Certificate.fromCertificateArn(stack, "OriginCertificate",
                        "arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000")))
                .availabilityZones(List.of("us-east-1a", "us-east-1b"))
                .webAclId("arn:aws:wafv2:us-east-1:123456789012:global/webacl/gateway/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111")
                .distributionLogging(true)
                .build();
    }

    public static void main(String[] args) {
        App app = new App();
        Stack stack = stack(app);
        MultiTenantGateway gateway = gateway(stack, Tenants.fromList(tenants(150)));
        List<IDistribution> distributions = gateway.getDistributions();
        for (int i = 0; i < distributions.size(); i++) {
            CfnOutput.Builder.create(stack, "Distribution" + i).value(distributions.get(i).getDistributionDomainName()).build();
        }
        app.synth();
    }
}
