#!/usr/bin/env python3
"""Writes a synthetic Nulecule app for benchmarks.

    bench/gen-synthetic.py N DIR

N local components, each with 10 params and 5 Kubernetes artifacts (3 YAML, 2 JSON) plus one
docker artifact; every 10th graph item is instead a nested app (already "fetched" under
external/NAME/) holding two such components. All required values have defaults, so
`nulecule template DIR` renders without answers.
"""
import os
import sys


def component(name, app_dir):
    params = [
        ("image", "local/busybox:latest"), ("replicas", 2), ("port", 8080), ("debug", "false"),
        ("memory", "64Mi"), ("cpu", "100m"), ("env_a", "alpha"), ("env_b", "beta"),
        ("label", name), ("quoted", 42),
    ]
    lines = [f"  - name: {name}", "    params:"]
    for key, value in params:
        lines += [f"      - name: {key}", f"        description: {key} of {name}", f"        default: {value}"]
    lines += ["    artifacts:", "      kubernetes:"]
    art = os.path.join(app_dir, "artifacts", name)
    os.makedirs(art, exist_ok=True)
    for i in range(3):
        path = f"artifacts/{name}/deploy-{i}.yaml"
        lines.append(f"        - file://{path}")
        with open(os.path.join(app_dir, path), "w") as f:
            f.write(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}-{i}
  labels: {{app: $label, tier: "t{i}"}}
spec:
  replicas: $replicas
  selector:
    matchLabels: {{app: {name}-{i}}}
  template:
    metadata:
      labels: {{app: {name}-{i}}}
    spec:
      containers:
        - name: main
          image: $image
          args: ["--debug=$debug", "--port", "$port"]
          env:
            - {{name: A, value: "$env_a"}}
            - {{name: B, value: "${{env_b}}-suffix"}}
            - {{name: Q, value: "$quoted"}}
          resources:
            limits: {{memory: $memory, cpu: $cpu}}
          ports:
            - containerPort: $port
""")
    for i in range(2):
        path = f"artifacts/{name}/svc-{i}.json"
        lines.append(f"        - file://{path}")
        with open(os.path.join(app_dir, path), "w") as f:
            f.write(f"""{{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {{"name": "{name}-svc-{i}", "labels": {{"app": "$label"}}}},
  "spec": {{
    "selector": {{"app": "{name}-{i}"}},
    "ports": [{{"port": $port, "targetPort": $port, "protocol": "TCP"}}]
  }}
}}
""")
    lines += ["      docker:", f"        - file://artifacts/{name}/run"]
    with open(os.path.join(app_dir, f"artifacts/{name}/run"), "w") as f:
        f.write(f"docker run -d --name {name} -p $port:80 -e 'A=$env_a' -e B=$env_b $image httpd -f\n")
    return lines


def app(app_id, names, app_dir, nested=()):
    os.makedirs(app_dir, exist_ok=True)
    lines = ["specversion: 0.0.2", f"id: {app_id}", "metadata:", f"  name: {app_id}", "params:",
             "  - name: provider", "    description: default provider", "    default: kubernetes", "graph:"]
    for name in names:
        if name in nested:
            lines += [f"  - name: {name}", f"    source: docker://bench/{name}"]
        else:
            lines += component(name, app_dir)
    with open(os.path.join(app_dir, "Nulecule"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    names = [f"c{i:04d}" for i in range(n)]
    nested = {name for i, name in enumerate(names) if i % 10 == 9}
    app(f"synthetic-{n}", names, out, nested)
    for name in nested:
        app(f"{name}-app", [f"{name}a", f"{name}b"], os.path.join(out, "external", name))


main()
