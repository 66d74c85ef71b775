; Inno Setup 6 script: a Windows installer for the PyInstaller folder
; dist\duediligence\ (built by packaging\duediligence.spec on Windows).
; Not built in CI (no Windows there); see packaging\README.md, "Windows".
;
;   iscc /DAppVersion=0.1.0 packaging\windows\duediligence.iss
;   -> dist\duediligence-0.1.0-windows-x64-setup.exe
;
; To sign the installer and its uninstaller while compiling, define a sign
; tool named "signtool" on the command line (the line in README.md):
;   iscc "/Ssigntool=signtool.exe sign /sha1 THUMBPRINT /fd SHA256 /tr TIMESTAMP_URL /td SHA256 $f" /DSign /DAppVersion=0.1.0 packaging\windows\duediligence.iss

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (see duediligence\__init__.py)
#endif

[Setup]
; AppId identifies the app for upgrades and uninstall: never change it.
AppId={{596EED95-BA2F-40B3-85D0-BB1B7FDDB744}
AppName=duediligence
AppVersion={#AppVersion}
AppVerName=duediligence {#AppVersion}
AppPublisher=The duediligence developers
VersionInfoVersion={#AppVersion}
; Paths below are relative to the repository root.
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=duediligence-{#AppVersion}-windows-x64-setup
SetupIconFile=resources\icons\duediligence.ico
UninstallDisplayIcon={app}\duediligence.exe
DefaultDirName={autopf}\duediligence
DefaultGroupName=duediligence
DisableProgramGroupPage=yes
; Per-user install by default (no administrator needed); the user may choose all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole folder, signed beforehand (README.md): duediligence.exe (the
; window), duediligence-cli.exe (the command line) and _internal\.
Source: "dist\duediligence\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundled libraries wholesale; never mix versions.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\duediligence"; Filename: "{app}\duediligence.exe"
Name: "{autodesktop}\duediligence"; Filename: "{app}\duediligence.exe"; Tasks: desktopicon

; "Open with" for .json question sets: `duediligence FILE.json` opens the
; window and loads the file.
[Registry]
Root: HKA; Subkey: "Software\Classes\Applications\duediligence.exe\shell\open\command"; ValueType: string; ValueData: """{app}\duediligence.exe"" ""%1"""; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\duediligence.exe\SupportedTypes"; ValueType: string; ValueName: ".json"; ValueData: ""; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\.json\OpenWithList\duediligence.exe"; ValueType: none; Flags: uninsdeletekey

[Run]
Filename: "{app}\duediligence.exe"; Description: "{cm:LaunchProgram,duediligence}"; Flags: nowait postinstall skipifsilent
