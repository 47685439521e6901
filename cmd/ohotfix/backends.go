package main

import "github.com/ohotfix/ohotfix/bootstrap"

// wireBackends plugs the real installer backends, patch reader, checks and
// locks into the options.
func wireBackends(o *bootstrap.Options) {
	o.Rebooter = bootstrap.SystemRebooter{}
}
