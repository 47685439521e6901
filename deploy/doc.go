// Package deploy holds what fleet tools need to run ohotfix: the Ansible role
// deploy/ansible/roles/ohotfix_patch, an example playbook and inventory in
// deploy/ansible/examples, and the recipes for Intune and ConfigMgr in
// README.md. The Go code here is only its tests: they run Debian's
// ansible-playbook against real connections on this machine (a local one and
// one over SSH to an sshd the test starts on 127.0.0.1).
package deploy
