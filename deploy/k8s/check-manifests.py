#!/usr/bin/env python3
"""Offline check of Kubernetes manifests (no cluster needed): every key must be
a field of its object's model in the official Python client (`pip install
kubernetes pyyaml`), with a fitting type. Catches misspelt or misplaced fields;
not a substitute for `kubectl apply --dry-run=server`.

    (kubectl kustomize deploy/k8s; echo ---; kubectl kustomize deploy/k8s/merge;
     echo ---; cat deploy/k8s/results-pod.yaml) | python3 deploy/k8s/check-manifests.py
"""
import sys, yaml, re, kubernetes.client as C
def model_for(kind, api):
    ver = api.split('/')[-1].capitalize()
    return getattr(C, f"{ver}{kind}")
def check(obj, cls, path, errs):
    if cls.startswith(('list[', 'List[')):
        inner = cls[5:-1]
        if not isinstance(obj, list): errs.append(f"{path}: expected list"); return
        for i, o in enumerate(obj): check(o, inner, f"{path}[{i}]", errs)
        return
    if cls.startswith(('dict(', 'Dict[')):
        if not isinstance(obj, dict): errs.append(f"{path}: expected map"); return
        inner = cls[cls.index(',')+1:-1].strip()
        for k, v in obj.items(): check(v, inner, f"{path}.{k}", errs)
        return
    prim = {'str': str, 'int': int, 'bool': bool, 'float': (int, float), 'object': object, 'datetime': str}
    if cls in prim:
        if not isinstance(obj, prim[cls]) or (cls == 'int' and isinstance(obj, bool)):
            errs.append(f"{path}: {obj!r} is not {cls}")
        return
    m = getattr(C, cls)
    if not isinstance(obj, dict): errs.append(f"{path}: expected {cls} object"); return
    rev = {v: k for k, v in m.attribute_map.items()}
    for k, v in obj.items():
        if k not in rev: errs.append(f"{path}.{k}: unknown field of {cls}"); continue
        check(v, m.openapi_types[rev[k]], f"{path}.{k}", errs)
ok = True
for doc in yaml.safe_load_all(sys.stdin):
    if not doc: continue
    errs = []
    check(doc, model_for(doc['kind'], doc['apiVersion']).__name__, doc['kind'], errs)
    # quantities are IntOrString-ish 'str' in the models: allow ints there
    errs = [e for e in errs if not re.search(r"(limits|requests|storage)\S*: \S+ is not str", e)]
    print(f"{doc['kind']} {doc['metadata']['name']}: " + ("ok" if not errs else "; ".join(errs)))
    ok &= not errs
sys.exit(0 if ok else 1)
