"""The fixed usernames of hosted package registries (pure).

Google Artifact Registry, AWS CodeArtifact and Azure Artifacts accept a short-lived token as
the password of one well-known username, and their keyring plugins answer for that username
only. When nothing else names a username for such a host, the keyring is asked with it, so a
plain `keyring get` (or a native entry) finds the token without the user having to know the
convention. Hosts are matched on whole DNS labels: `pkg.dev.evil.com` or
`codeartifact.amazonaws.com.evil.net` are not registries.
"""

from __future__ import annotations

from dataclasses import dataclass

from policy._compat import StrEnum


class CloudRegistry(StrEnum):
    """The hosted registries whose username is fixed."""

    GOOGLE_ARTIFACT_REGISTRY = "Google Artifact Registry"
    AWS_CODEARTIFACT = "AWS CodeArtifact"
    AZURE_ARTIFACTS = "Azure Artifacts"


USERNAMES: dict[CloudRegistry, str] = {
    CloudRegistry.GOOGLE_ARTIFACT_REGISTRY: "oauth2accesstoken",
    CloudRegistry.AWS_CODEARTIFACT: "aws",
    CloudRegistry.AZURE_ARTIFACTS: "VssSessionToken",
}
"""The username each registry's tokens go with."""


@dataclass(frozen=True)
class CloudUsername:
    """A registry's fixed username for a host, and the registry it comes from."""

    registry: CloudRegistry
    username: str

    @property
    def reason(self) -> str:
        """The sentence `explain` shows for it."""
        return (
            f"the keyring is asked for username `{self.username}`: no username is known and "
            f"the host belongs to {self.registry.value}, whose tokens go with that username"
        )


def registry_of(host: str) -> CloudRegistry | None:
    """The registry serving `host` (a lower-case host name without port), or None."""
    labels = host.rstrip(".").split(".")
    if any(not label for label in labels):
        return None
    # <location>-python.pkg.dev, e.g. us-central1-python.pkg.dev
    if len(labels) == 3 and labels[1:] == ["pkg", "dev"]:
        location, dash, kind = labels[0].rpartition("-")
        if location and dash and kind == "python":
            return CloudRegistry.GOOGLE_ARTIFACT_REGISTRY
    # <domain>-<owner>.d.codeartifact.<region>.amazonaws.com
    if (
        len(labels) == 6
        and labels[1:3] == ["d", "codeartifact"]
        and labels[4:] == ["amazonaws", "com"]
    ):
        return CloudRegistry.AWS_CODEARTIFACT
    # pkgs.dev.azure.com, and the older <organization>.pkgs.visualstudio.com
    if labels == ["pkgs", "dev", "azure", "com"]:
        return CloudRegistry.AZURE_ARTIFACTS
    if len(labels) == 4 and labels[1:] == ["pkgs", "visualstudio", "com"]:
        return CloudRegistry.AZURE_ARTIFACTS
    return None


def cloud_username(host: str) -> CloudUsername | None:
    """The fixed username for `host` when it is a hosted registry's, else None."""
    registry = registry_of(host.lower())
    if registry is None:
        return None
    return CloudUsername(registry, USERNAMES[registry])


__all__ = ["USERNAMES", "CloudRegistry", "CloudUsername", "cloud_username", "registry_of"]
