"""The gateway as a Python user sees it: the published wheel, driven through the jsii runtime."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Match, Template

from cdk_multi_tenant_gateway import (
    Cell,
    EdgeMode,
    Fleet,
    MultiTenantGateway,
    OriginAccess,
    TenantCertificate,
    TenantGeoRestriction,
    TenantProps,
    Tenants,
)

ROOT = Path(__file__).resolve().parents[2]
TENANTS_FILE = ROOT / "examples" / "tenants.json"
EXAMPLE_APP = ROOT / "examples" / "python" / "app.py"

ACCOUNT = "123456789012"
ZONE_ID = "Z0123456789EXAMPLE"
EDGE_CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555"
ORIGIN_CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/66666666-7777-8888-9999-000000000000"


def make_gateway(tenants: Tenants, edge_cert_arn: str = EDGE_CERT, edge: EdgeMode = None, fleet: Fleet = None, **props):
    """A stack holding one gateway, wired the way a Python app would wire it; `props` are further gateway props."""
    stack = Stack(App(), "Gateway", env=Environment(account=ACCOUNT, region="us-east-1"))
    gateway = MultiTenantGateway(
        stack,
        "Gateway",
        tenants=tenants,
        hosted_zone=route53.HostedZone.from_hosted_zone_attributes(
            stack, "Zone", hosted_zone_id=ZONE_ID, zone_name="example.com"
        ),
        distribution_certificate=acm.Certificate.from_certificate_arn(stack, "EdgeCertificate", edge_cert_arn),
        load_balancer_certificates=[acm.Certificate.from_certificate_arn(stack, "OriginCertificate", ORIGIN_CERT)],
        edge=edge,
        fleet=fleet,
        **props,
    )
    return stack, gateway


def numbered(count: int):
    """`count` single-domain tenants, none pinned."""
    return Tenants.from_list(
        [TenantProps(id=f"t-{i:03d}", domain_names=[f"t-{i:03d}.example.com"]) for i in range(count)]
    )


def aliases_of(shard: Template):
    """The alternate domain names of a shard's only distribution."""
    distributions = shard.find_resources("AWS::CloudFront::Distribution")
    assert len(distributions) == 1
    (distribution,) = distributions.values()
    return distribution["Properties"]["DistributionConfig"]["Aliases"]


def record_entries(shard: Template):
    """Every Route 53 record in a shard, with its zone: an `AWS::Route53::RecordSet` is one record,
    an `AWS::Route53::RecordSetGroup` holds several in `RecordSets`."""
    records = [r["Properties"] for r in shard.find_resources("AWS::Route53::RecordSet").values()]
    for group in shard.find_resources("AWS::Route53::RecordSetGroup").values():
        zone = group["Properties"]["HostedZoneId"]
        records += [{"HostedZoneId": zone, **record} for record in group["Properties"]["RecordSets"]]
    return records


def records_of(shard: Template):
    """(name, type) of every Route 53 record in a shard."""
    return {(r["Name"], r["Type"]) for r in record_entries(shard)}


# Synthesizing goes through Node, so each gateway is built once per module and shared.
@pytest.fixture(scope="module")
def example():
    return make_gateway(Tenants.from_file(str(TENANTS_FILE)))


@pytest.fixture(scope="module")
def unpinned_150():
    return make_gateway(numbered(150))


def test_one_tenant_gets_one_distribution_with_its_aliases_and_records():
    stack, gateway = make_gateway(
        Tenants.from_list(
            [TenantProps(id="acme", domain_names=["acme.example.com", "shop.acme.example.com"], config={"plan": "gold"})]
        )
    )
    assert len(gateway.distributions) == 1
    assert len(gateway.shard_stacks) == 1
    [placement] = gateway.placements
    assert (placement.tenant_id, placement.shard, placement.pinned) == ("acme", 0, False)
    assert placement.domain_names == ["acme.example.com", "shop.acme.example.com"]

    shard = Template.from_stack(gateway.shard_stacks[0])
    assert aliases_of(shard) == ["acme.example.com", "shop.acme.example.com"]
    assert records_of(shard) == {
        (f"{name}.", kind) for name in ("acme.example.com", "shop.acme.example.com") for kind in ("A", "AAAA")
    }
    # Each record is an alias to this shard's distribution, in the given zone.
    for record in record_entries(shard):
        assert record["HostedZoneId"] == ZONE_ID
        assert record["AliasTarget"]["DNSName"]["Fn::GetAtt"][1] == "DomainName"


def test_150_unpinned_tenants_fill_two_distributions_first_fit(unpinned_150):
    _, gateway = unpinned_150
    assert len(gateway.placements) == 150
    assert len(gateway.distributions) == 2
    assert [p.shard for p in gateway.placements] == [0] * 100 + [1] * 50
    assert gateway.distribution_of("t-000") is not gateway.distribution_of("t-149")

    first, second = (Template.from_stack(s) for s in gateway.shard_stacks)
    assert aliases_of(first) == [f"t-{i:03d}.example.com" for i in range(100)]
    assert aliases_of(second) == [f"t-{i:03d}.example.com" for i in range(100, 150)]
    assert len(record_entries(first)) == 200
    assert len(record_entries(second)) == 100
    assert ("t-149.example.com.", "AAAA") in records_of(second)


def test_example_tenants_file_makes_two_distributions(example):
    _, gateway = example
    assert len(gateway.placements) == 130
    assert len(gateway.distributions) == 2
    shard_of = {p.tenant_id: p.shard for p in gateway.placements}
    assert (shard_of["acme"], shard_of["initech"], shard_of["partner-127"]) == (0, 0, 1)

    first, second = (Template.from_stack(s) for s in gateway.shard_stacks)
    assert len(aliases_of(first)) == 100
    assert "shop.acme.example.com" in aliases_of(first)
    assert "partner-127.example.com" in aliases_of(second)
    # initech keeps its DNS elsewhere: an alias on the distribution, but no record in our zone.
    assert "portal.initech.example" in aliases_of(first)
    assert not any(name.startswith("portal.initech.example") for name, _ in records_of(first))
    assert len(record_entries(first)) == 2 * 99
    assert len(record_entries(second)) == 2 * 31


def test_cache_policy_keys_on_host_with_min_ttl_180(example):
    stack, gateway = example
    assert len(gateway.cache_policies) == 1
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudFront::CachePolicy",
        {
            "CachePolicyConfig": Match.object_like(
                {
                    "MinTTL": 180,
                    "ParametersInCacheKeyAndForwardedToOrigin": Match.object_like(
                        {"HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": Match.array_with(["Host"])}}
                    ),
                }
            )
        },
    )


def test_every_template_stays_within_cloudformation_limits(example):
    stack, gateway = example
    for template in [Template.from_stack(stack)] + [Template.from_stack(s) for s in gateway.shard_stacks]:
        assert len(template.to_json()["Resources"]) <= 500


@pytest.mark.parametrize(
    "tenant, bad_value",
    [
        (TenantProps(id="Bad_Id", domain_names=["bad.example.com"]), '"Bad_Id"'),
        (TenantProps(id="upper", domain_names=["UPPER.example.com"]), '"UPPER.example.com"'),
        (TenantProps(id="wild", domain_names=["*.example.com"]), r'"\*.example.com"'),
        (TenantProps(id="pin", domain_names=["pin.example.com"], shard=-1), "`shard` -1"),
    ],
    ids=["id", "upper-case domain", "wildcard domain", "negative pin"],
)
def test_invalid_tenant_is_named_in_the_error(tenant, bad_value):
    with pytest.raises(Exception, match=bad_value):
        Tenants.from_list([tenant])


def test_every_problem_is_reported_at_once():
    tenants = [
        TenantProps(id="Bad_Id", domain_names=["a.example.com"]),
        TenantProps(id="dup", domain_names=["a.example.com"]),
    ]
    with pytest.raises(Exception, match="2 problems") as error:
        Tenants.from_list(tenants)
    assert '"Bad_Id"' in str(error.value)
    assert 'already belongs to tenant "Bad_Id"' in str(error.value)


def test_malformed_json_names_source_line_and_column():
    with pytest.raises(Exception, match=r"partners\.json:2:\d+: malformed JSON"):
        Tenants.from_json('{"tenants": [\n  {"id": "a",, }]}', "partners.json")


def test_domain_outside_the_hosted_zone_is_rejected_by_the_gateway():
    tenants = Tenants.from_list([TenantProps(id="elsewhere", domain_names=["shop.example.org"])])
    with pytest.raises(Exception, match=r'"shop\.example\.org" is outside the hosted zone "example\.com"'):
        make_gateway(tenants)


def test_distribution_certificate_outside_us_east_1_is_rejected():
    with pytest.raises(Exception, match="`distributionCertificate` is in eu-west-1"):
        make_gateway(numbered(1), edge_cert_arn=EDGE_CERT.replace("us-east-1", "eu-west-1"))


def test_unknown_tenant_lookup_names_the_tenant(unpinned_150):
    _, gateway = unpinned_150
    with pytest.raises(Exception, match='No tenant "nobody"'):
        gateway.distribution_of("nobody")


def test_python_example_app_runs():
    # The example as a user runs it: its own interpreter, from the repository root.
    result = subprocess.run(
        [sys.executable, str(EXAMPLE_APP)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "Synthesized 130 tenants into 2 CloudFront distributions" in result.stdout
    assert ".template.json:" in result.stdout
    assert (ROOT / "examples" / "python" / "cdk.out" / "manifest.json").is_file()


def test_a_tenant_with_a_geo_restriction_gets_a_distribution_of_its_own():
    stack, gateway = make_gateway(
        Tenants.from_list(
            [
                TenantProps(id="acme", domain_names=["acme.example.com"]),
                TenantProps(
                    id="eu-shop", domain_names=["eu-shop.example.com"], geo_restriction=TenantGeoRestriction(allow=["FR", "DE"])
                ),
                TenantProps(id="globex", domain_names=["globex.example.com"]),
            ]
        )
    )
    assert {p.tenant_id: p.shard for p in gateway.placements} == {"acme": 0, "eu-shop": 1, "globex": 0}
    first, second = (Template.from_stack(s) for s in gateway.shard_stacks)
    assert aliases_of(first) == ["acme.example.com", "globex.example.com"]
    second.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {"Restrictions": {"GeoRestriction": {"RestrictionType": "whitelist", "Locations": ["DE", "FR"]}}}
            )
        },
    )


def test_multi_tenant_mode_gives_one_distribution_and_a_distribution_tenant_per_tenant():
    stack, gateway = make_gateway(
        numbered(120),
        edge=EdgeMode.multi_tenant_distribution(tenant_certificate=TenantCertificate.cloud_front_managed()),
    )
    parent = Template.from_stack(stack)
    parent.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {"DistributionConfig": Match.object_like({"ConnectionMode": "tenant-only"})},
    )
    parent.resource_count_is("AWS::CloudFront::ConnectionGroup", 1)
    assert len(gateway.distributions) == 1
    first, last = gateway.distribution_of("t-000"), gateway.distribution_of("t-119")
    assert stack.resolve(first.distribution_id) == stack.resolve(last.distribution_id)

    tenants, records = {}, []
    for shard_stack in gateway.shard_stacks:
        shard = Template.from_stack(shard_stack)
        for resource in shard.find_resources("AWS::CloudFront::DistributionTenant").values():
            props = resource["Properties"]
            tenants[props["Name"]] = props
        records += record_entries(shard)
    assert len(tenants) == 120
    assert sorted((r["Name"], r["Type"]) for r in records) == [(f"t-{i:03d}.example.com.", "CNAME") for i in range(120)]
    assert tenants["t-007"]["Domains"] == ["t-007.example.com"]
    assert tenants["t-007"]["ManagedCertificateRequest"]["ValidationTokenHost"] == "cloudfront"


def test_ecs_fargate_fleet_runs_the_image_behind_the_target_group_and_reads_the_tenant_config():
    stack, gateway = make_gateway(
        numbered(1),
        fleet=Fleet.ecs_fargate(
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable"),
            port=8080,
            cpu=1024,
            memory_limit_mib=2048,
            min_tasks=3,
        ),
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        {"Cpu": "1024", "Memory": "2048", "ContainerDefinitions": [Match.object_like({"PortMappings": [{"ContainerPort": 8080, "Protocol": "tcp"}]})]},
    )
    template.has_resource_properties(
        "AWS::ECS::Service",
        {"DesiredCount": 3, "DeploymentConfiguration": Match.object_like({"DeploymentCircuitBreaker": {"Enable": True, "Rollback": True}})},
    )
    template.has_resource_properties("AWS::ElasticLoadBalancingV2::TargetGroup", {"TargetType": "ip", "Port": 8080})
    template.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {"PolicyDocument": {"Statement": [Match.object_like({"Action": "ssm:GetParametersByPath"})], "Version": "2012-10-17"}},
    )
    template.resource_count_is("AWS::AutoScaling::AutoScalingGroup", 0)
    assert gateway.auto_scaling_group is None
    assert gateway.ecs_service is not None


def test_bad_fargate_size_is_reported():
    with pytest.raises(Exception, match="`fleet.memoryLimitMiB` 512 does not go with `fleet.cpu` 1024 on Fargate"):
        make_gateway(
            numbered(1),
            fleet=Fleet.ecs_fargate(image=ecs.ContainerImage.from_registry("nginx"), cpu=1024, memory_limit_mib=512),
        )


def two_cell_props():
    """An ECS Fargate fleet, a "premium" cell with a Fargate fleet of its own and an "eu" cell elsewhere."""
    image = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable")
    return dict(
        fleet=Fleet.ecs_fargate(image=image),
        origin_access=OriginAccess.secret_header(),
        cells=[
            Cell.with_fleet("premium", fleet=Fleet.ecs_fargate(image=image, min_tasks=4)),
            Cell.from_https_origin("eu", domain_name="origin-eu.example.net"),
        ],
    )


def test_ecs_fleet_with_two_cells_gives_each_cell_shards_whose_origin_is_its_own():
    stack, gateway = make_gateway(
        Tenants.from_list(
            [
                TenantProps(id="acme", domain_names=["acme.example.com"]),
                TenantProps(id="globex", domain_names=["globex.example.com"], cell="premium"),
                TenantProps(id="initech", domain_names=["initech.example.com"], cell="eu"),
                TenantProps(id="umbrella", domain_names=["umbrella.example.com"], cell="premium"),
            ]
        ),
        **two_cell_props(),
    )
    assert {p.tenant_id: p.shard for p in gateway.placements} == {"acme": 0, "globex": 1, "initech": 2, "umbrella": 1}
    origins = []
    for shard_stack in gateway.shard_stacks:
        (distribution,) = Template.from_stack(shard_stack).find_resources("AWS::CloudFront::Distribution").values()
        (origin,) = distribution["Properties"]["DistributionConfig"]["Origins"]
        origins.append(origin["DomainName"])
    assert origins[0]["Ref"].startswith("referencetoGatewayOriginLoadBalancer")
    assert origins[1]["Ref"].startswith("referencetoGatewayCellspremiumOriginLoadBalancer")
    assert origins[2] == "origin-eu.example.net"

    template = Template.from_stack(stack)
    template.resource_count_is("AWS::ElasticLoadBalancingV2::LoadBalancer", 2)
    template.resource_count_is("AWS::ECS::Service", 2)
    template.has_resource_properties("AWS::ECS::Service", {"DesiredCount": 4})
    template.resource_count_is("AWS::SecretsManager::Secret", 1)


def test_a_tenant_of_an_unknown_cell_is_named_with_the_known_cells():
    with pytest.raises(Exception, match=r'tenant "acme": `cell` "us" is not one of the gateway\'s cells \("default", "premium", "eu"\)'):
        make_gateway(Tenants.from_list([TenantProps(id="acme", domain_names=["acme.example.com"], cell="us")]), **two_cell_props())
