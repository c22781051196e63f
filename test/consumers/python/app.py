"""A Python user's app: the published wheel, run by the aws-cdk CLI (`cdk synth`, see cdk.json).

It builds the same gateway as the other consumers: 150 tenants in a stack with a concrete env, the
Availability Zones named, and an output per distribution.
"""
from aws_cdk import App, CfnOutput, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53

from cdk_multi_tenant_gateway import MultiTenantGateway, TenantProps, Tenants

app = App()
stack = Stack(app, "ConsumerGateway", env=Environment(account="123456789012", region="us-east-1"))

gateway = MultiTenantGateway(
    stack,
    "Gateway",
    tenants=Tenants.from_list(
        [TenantProps(id=f"tenant-{i}", domain_names=[f"tenant-{i}.example.com"]) for i in range(150)]
    ),
    hosted_zone=route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z0123456789EXAMPLE", zone_name="example.com"
    ),
    distribution_certificate=acm.Certificate.from_certificate_arn(
        stack, "EdgeCertificate",
        "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
    ),
    load_balancer_certificates=[
        acm.Certificate.from_certificate_arn(
            stack, "OriginCertificate",
            "arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000",
        )
    ],
    availability_zones=["us-east-1a", "us-east-1b"],
    web_acl_id="arn:aws:wafv2:us-east-1:123456789012:global/webacl/gateway/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
    distribution_logging=True,
)

for i, distribution in enumerate(gateway.distributions):
    CfnOutput(stack, f"Distribution{i}", value=distribution.distribution_domain_name)

app.synth()
