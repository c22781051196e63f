import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** The id of the warning a fleet running the placeholder app gets, to acknowledge once the app is yours. */
export const PLACEHOLDER_APP_WARNING = 'cdk-multi-tenant-gateway:placeholder-app';

/**
 * The placeholder app: Python 3's standard library only (Amazon Linux 2023 ships python3 and
 * openssl, so nothing is downloaded), answering every GET and HEAD, the health check's path
 * included, with 200 and a page naming the Host it was asked for. With `--tls` it serves HTTPS
 * with a self-signed certificate it makes once in `STATE_DIRECTORY` (the load balancer does not
 * validate a target's certificate).
 */
export const PLACEHOLDER_SERVER = `"""cdk-multi-tenant-gateway placeholder app: shows the Host each request was made for."""
import argparse
import html
import http.server
import os
import ssl
import subprocess

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{host}</title></head>
<body><h1>{host}</h1>
<p>Host: {host}</p>
<p>Path: {path}</p>
<p>This is the placeholder app of cdk-multi-tenant-gateway. Give the fleet your app
(the fleet's machineImage or userData) to serve your pages here.</p>
</body></html>
"""


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "gateway-placeholder"

    def do_GET(self):
        self.answer(with_body=True)

    def do_HEAD(self):
        self.answer(with_body=False)

    def answer(self, with_body):
        host = self.headers.get("Host", "")
        body = PAGE.format(host=html.escape(host), path=html.escape(self.path)).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)


def tls_context(directory):
    key, cert = os.path.join(directory, "key.pem"), os.path.join(directory, "cert.pem")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
                        "-subj", "/CN=gateway-placeholder", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tls", action="store_true")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("", args.port), Handler)
    if args.tls:
        directory = os.environ.get("STATE_DIRECTORY", ".")
        server.socket = tls_context(directory).wrap_socket(server.socket, server_side=True)
    print(f"listening on {args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
`;

/** Where the user data writes the server, and the systemd unit that runs it. */
const SERVER_PATH = '/opt/gateway-placeholder/server.py';
const UNIT = 'gateway-placeholder.service';

/**
 * User data that installs the placeholder app as a systemd service on `port`: a dynamic,
 * unprivileged user that may bind the port, restarted if it stops.
 */
export function placeholderUserData(port: number, tls: boolean): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    'set -euo pipefail',
    `install -d -m 0755 ${SERVER_PATH.replace(/\/[^/]+$/, '')}`,
    `cat > ${SERVER_PATH} <<'PLACEHOLDER_SERVER'`,
    PLACEHOLDER_SERVER.trimEnd(),
    'PLACEHOLDER_SERVER',
    `cat > /etc/systemd/system/${UNIT} <<'PLACEHOLDER_UNIT'`,
    '[Unit]',
    'Description=cdk-multi-tenant-gateway placeholder app (give the fleet your app to replace it)',
    'After=network-online.target',
    '[Service]',
    `ExecStart=/usr/bin/python3 ${SERVER_PATH} --port ${port}${tls ? ' --tls' : ''}`,
    'DynamicUser=yes',
    'AmbientCapabilities=CAP_NET_BIND_SERVICE',
    'StateDirectory=gateway-placeholder',
    'Restart=always',
    '[Install]',
    'WantedBy=multi-user.target',
    'PLACEHOLDER_UNIT',
    'systemctl daemon-reload',
    `systemctl enable --now ${UNIT}`,
  );
  return userData;
}
