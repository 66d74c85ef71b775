"""Signing identities: a private key and its certificate in a PKCS#12 file.

``create_identity`` makes a self-signed one for people without an
organisational CA; ``load_identity`` opens any .p12/.pfx (self-made or from
an organisation's CA) and refuses, before anything is written, one that
could only produce a signature a validator rejects: expired or not yet
valid, or without the non-repudiation key usage that pyHanko (and the
PAdES profile) expect of a document signing certificate.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from duediligence.errors import OutputFileError, SigningIdentityError

MIN_PASSPHRASE_LENGTH = 8
DEFAULT_VALID_DAYS = 3 * 365


@dataclass(frozen=True)
class CertificateInfo:
    """What a person wants to know about a certificate."""

    subject: str
    common_name: str
    issuer: str
    sha256_fingerprint: str
    not_before: datetime
    not_after: datetime
    self_signed: bool

    @classmethod
    def of(cls, cert: x509.Certificate) -> CertificateInfo:
        names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return cls(
            subject=cert.subject.rfc4514_string(),
            common_name=str(names[0].value) if names else cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            sha256_fingerprint=fingerprint(cert.public_bytes(serialization.Encoding.DER)),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            self_signed=cert.issuer == cert.subject,
        )


@dataclass(frozen=True)
class SigningIdentity:
    """A loaded, checked identity, ready to sign."""

    path: Path
    signer: SimpleSigner
    certificate: CertificateInfo


def fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate as colon-separated hex (how viewers show it)."""
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def check_passphrase(passphrase: str) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise SigningIdentityError(
            f"The passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters long; choose a longer one."
        )
    return passphrase.encode("utf-8")


def read_passphrase_file(path: str | os.PathLike[str]) -> str:
    """The passphrase in a file: its first line, without the line end."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SigningIdentityError(f"Cannot read the passphrase file {path}: {getattr(exc, 'strerror', None) or exc}.") from None
    lines = text.splitlines()
    return lines[0] if lines else ""


def create_identity(
    out_path: str | os.PathLike[str],
    *,
    name: str,
    passphrase: str,
    email: str | None = None,
    organisation: str | None = None,
    valid_days: int = DEFAULT_VALID_DAYS,
    now: datetime | None = None,
) -> CertificateInfo:
    """Write a new self-signed identity (EC P-256) to ``out_path``, readable
    by its owner only (mode 0600). An existing file is never overwritten:
    it may be someone's only copy of a key."""
    secret = check_passphrase(passphrase)
    if not name.strip():
        raise SigningIdentityError("Give the signer's name (--name); it is shown in every signature.")
    target = Path(out_path)
    if target.exists():
        raise SigningIdentityError(f"{target} already exists; choose another file name or move the old identity away.")
    now = now or datetime.now(timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name.strip())]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if email:
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    subject = x509.Name(attributes)
    cert = issue_certificate(subject, key, subject, key, not_before=now - timedelta(minutes=5), valid_days=valid_days, email=email)
    data = pkcs12.serialize_key_and_certificates(
        name.strip().encode("utf-8"), key, cert, None, serialization.BestAvailableEncryption(secret)
    )
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SigningIdentityError(f"{target} already exists; choose another file name.") from None
    except OSError as exc:
        raise OutputFileError(f"Cannot write {target}: {exc.strerror}.") from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return CertificateInfo.of(cert)


def issue_certificate(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    not_before: datetime,
    valid_days: int,
    ca: bool = False,
    non_repudiation: bool = True,
    email: str | None = None,
) -> x509.Certificate:
    """A certificate for ``key`` signed by ``issuer_key``: a document signing
    one (digitalSignature, and nonRepudiation unless told otherwise) or, with
    ``ca``, a CA that signs others (tests build their chains with it)."""
    usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=non_repudiation and not ca,  # = nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
        .not_valid_before(not_before)
        .not_valid_after(not_before + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def certificate_pem(path: str | os.PathLike[str], passphrase: str) -> bytes:
    """The identity's certificate as PEM, to hand to whoever verifies (``--trust``)."""
    _, cert, _ = _open_pkcs12(Path(path), passphrase)
    return cert.public_bytes(serialization.Encoding.PEM)


def load_identity(path: str | os.PathLike[str], passphrase: str, *, now: datetime | None = None) -> SigningIdentity:
    """Open and check a .p12/.pfx; every problem is a SigningIdentityError."""
    source = Path(path)
    key, cert, extra = _open_pkcs12(source, passphrase)
    info = CertificateInfo.of(cert)
    now = now or datetime.now(timezone.utc)
    if now > info.not_after:
        raise SigningIdentityError(
            f"The certificate in {source} ({info.common_name}) expired on {info.not_after:%Y-%m-%d}; "
            "a signature made with it would not validate. Renew it or create a new identity."
        )
    if now < info.not_before:
        raise SigningIdentityError(
            f"The certificate in {source} is only valid from {info.not_before:%Y-%m-%d %H:%M} UTC; check the computer's clock."
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        non_repudiation = usage.content_commitment
    except x509.ExtensionNotFound:
        non_repudiation = False
    if not non_repudiation:
        raise SigningIdentityError(
            f"The certificate in {source} ({info.common_name}) does not allow non-repudiation signatures "
            "(key usage nonRepudiation/contentCommitment); validators reject such a signature on a document. "
            "Ask your CA for a document signing certificate, or create one with `duediligence identity create`."
        )
    if cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) != key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise SigningIdentityError(f"The private key in {source} does not belong to its certificate.")
    registry = SimpleCertificateStore()
    registry.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in extra])
    signer = SimpleSigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=registry,
    )
    return SigningIdentity(path=source, signer=signer, certificate=info)


def _open_pkcs12(source: Path, passphrase: str) -> tuple[object, x509.Certificate, list[x509.Certificate]]:
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise SigningIdentityError(
            f"The signing identity {source} does not exist. Create one with `duediligence identity create`, "
            "or give the path of your organisation's .p12/.pfx file."
        ) from None
    except OSError as exc:
        raise SigningIdentityError(f"Cannot read the signing identity {source}: {exc.strerror}.") from None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8") or None)
    except ValueError:
        raise SigningIdentityError(
            f"Cannot open {source}: the passphrase is wrong, or it is not a PKCS#12 (.p12/.pfx) file."
        ) from None
    if key is None or cert is None:
        raise SigningIdentityError(f"{source} holds no private key and certificate pair; it cannot sign.")
    return key, cert, list(extra)
