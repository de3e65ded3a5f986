"""
Applies the CustomResourceDefinitions in a Helm chart's crds/ folder, server-side, so that a
chart upgrade brings its new CRDs: Helm installs crds/ on the first install only and never
upgrades them (Helm docs, "Custom Resource Definitions", limitations on CRDs).

A CloudFormation custom resource (lib/constructs/chart-crds.ts) invokes it directly; it
answers on the pre-signed ResponseURL. The kubectl and helm binaries come from the kubectl
layer, the aws CLI from the AWS CLI layer, as in aws-eks-v2's own kubectl handler.
"""
import glob
import json
import logging
import os
import subprocess
import tempfile
import urllib.request

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Where the layers put the binaries.
os.environ['PATH'] = '/opt/kubectl:/opt/helm:/opt/awscli:' + os.environ.get('PATH', '')

# Owner of the fields this applies; --force-conflicts takes them over from Helm's first install.
FIELD_MANAGER = 'chart-crds'


def handler(event, context):
    try:
        on_event(event)
        respond(event, 'SUCCESS')
    except Exception as error:  # every failure must reach CloudFormation, or the stack waits an hour
        logger.exception('applying the chart CRDs failed')
        respond(event, 'FAILED', str(error)[-1000:])


def on_event(event):
    """Applies the chart's CRDs on Create and on an Update to a newer chart; leaves them otherwise."""
    logger.info(json.dumps(dict(event, ResponseURL='...')))
    if event['RequestType'] == 'Delete':
        # Deleting a CRD deletes every object of its kind: every PostgresCluster and its volumes.
        return
    props = event['ResourceProperties']
    previous = event.get('OldResourceProperties', {}).get('Version')
    if event['RequestType'] == 'Update' and previous and release(props['Version']) < release(previous):
        # A chart rollback: newer CRDs serve the older fields too, while the older schema would
        # prune the newer fields of stored objects at their next write.
        logger.info('chart %s -> %s: leaving the CRDs of %s in place', previous, props['Version'], previous)
        return
    with tempfile.TemporaryDirectory() as workdir:
        env = dict(os.environ, HOME=workdir)
        kubeconfig = os.path.join(workdir, 'kubeconfig')
        run(['aws', 'eks', 'update-kubeconfig', '--name', props['ClusterName'], '--kubeconfig', kubeconfig], env)
        run(['helm', 'pull', props['Repository'], '--version', props['Version'], '--untar', '--untardir', workdir], env)
        files = chart_crds(os.path.join(workdir, props['Chart']))
        if not files:
            raise RuntimeError(
                f"{props['Repository']} {props['Version']} has no crds/ folder: if the chart now templates its "
                'CRDs, helm upgrade applies them and this resource can go (docs/runbooks/upgrade-operator.md)'
            )
        for file in files:
            run(['kubectl', 'apply', '--server-side', '--force-conflicts', f'--field-manager={FIELD_MANAGER}',
                 '--kubeconfig', kubeconfig, '-f', file], env)


def release(version):
    """A chart version as numbers to compare: '6.0.10' > '6.0.9'."""
    return tuple(int(part) for part in version.split('-')[0].lstrip('v').split('.'))


def chart_crds(chart_dir):
    """The YAML files of the chart's crds/ folder, in a stable order."""
    pattern = os.path.join(chart_dir, 'crds', '**', '*')
    return sorted(f for f in glob.glob(pattern, recursive=True) if f.endswith(('.yaml', '.yml', '.json')))


def run(command, env):
    logger.info('running %s', command)
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    logger.info(result.stdout)
    if result.returncode != 0:
        raise RuntimeError(f'{command[0]} {command[1]} failed: {result.stderr.strip()}')


def respond(event, status, reason=''):
    body = json.dumps({
        'Status': status,
        'Reason': reason or 'see the CloudWatch log of the function',
        'PhysicalResourceId': f"{event['ResourceProperties']['ClusterName']}/{event['ResourceProperties']['Chart']}-crds",
        'StackId': event['StackId'],
        'RequestId': event['RequestId'],
        'LogicalResourceId': event['LogicalResourceId'],
    }).encode()
    request = urllib.request.Request(event['ResponseURL'], data=body, method='PUT',
                                     headers={'content-type': '', 'content-length': str(len(body))})
    urllib.request.urlopen(request, timeout=30)
