"""The example gateway in Python: every tenant in examples/tenants.json behind one shared app.

Install the package (pip install cdk-multi-tenant-gateway), then run `python examples/python/app.py`;
it synthesizes into examples/python/cdk.out and prints what it built.
"""
import json
import os
from pathlib import Path

from aws_cdk import App, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_route53 as route53

from cdk_multi_tenant_gateway import Fleet, MultiTenantGateway, Tenants

HERE = Path(__file__).resolve().parent

app = App(outdir=str(HERE / "cdk.out"))
stack = Stack(app, "ExampleGateway", env=Environment(account="123456789012", region="us-east-1"))

user_data = ec2.UserData.for_linux()
user_data.add_commands(
    # A stand-in app that answers with the Host it was asked for.
    "dnf install -y python3",
    "cat > /opt/app.py <<'PY'",
    "from http.server import BaseHTTPRequestHandler, HTTPServer",
    "class Handler(BaseHTTPRequestHandler):",
    "    def do_GET(self):",
    "        body = f\"Hello from {self.headers.get('Host')}\\n\".encode()",
    "        self.send_response(200); self.send_header(\"Cache-Control\", \"max-age=300\"); self.end_headers(); self.wfile.write(body)",
    "HTTPServer((\"\", 80), Handler).serve_forever()",
    "PY",
    "nohup python3 /opt/app.py &",
)

gateway = MultiTenantGateway(
    stack,
    "Gateway",
    # The path is resolved here: the library reads the file in its own (Node) process.
    tenants=Tenants.from_file(str(HERE.parent / "tenants.json")),
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
    fleet=Fleet.auto_scaling(user_data=user_data, min_capacity=2, max_capacity=6),
)

assembly = app.synth()

# What was built: shards, their tenants, and every template's size.
by_shard = {}
for placement in gateway.placements:
    by_shard.setdefault(placement.shard, []).extend(placement.domain_names)
print(f"Synthesized {len(gateway.placements)} tenants into {len(gateway.distributions)} CloudFront distributions:")
for shard, domains in sorted(by_shard.items()):
    more = ", ..." if len(domains) > 3 else ""
    print(f"  shard {shard}: {len(domains)} domains ({', '.join(domains[:3])}{more})")
print("Templates:")
for file in sorted(Path(assembly.directory).glob("*.template.json")):
    text = file.read_text()
    resources = len(json.loads(text).get("Resources", {}))
    print(f"  {file.name}: {resources} resources, {len(text)} bytes")
print(f"Cache policies: {len(gateway.cache_policies)} (Host in the key, min TTL 180 s); VPC origins: {len(gateway.vpc_origins)}")
print(f"Written to {os.path.relpath(assembly.directory)}")
