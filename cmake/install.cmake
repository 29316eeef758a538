# cmake --install: what another program needs to use earshot
# (docs/library.md).
#
#   PREFIX/include/earshot/...             the public headers of the parts built
#   PREFIX/lib/libearshot_core.a ...       static libraries
#   PREFIX/lib/cmake/earshot/              find_package(earshot): earshot::core,
#                                          and with LibTorch earshot::plots,
#                                          earshot::ml and earshot::earshot
#   PREFIX/lib/pkgconfig/earshot-core.pc   the core; earshot.pc with LibTorch
#   PREFIX/bin/earshot                     the command-line tool
#
# The libraries are static: a program links what it uses and needs no
# library path at run time beyond those of the dependencies (Debian's shared
# LibTorch, libsndfile, ...). Their objects are position-independent
# executable code, Debian's default; configure with
# -DCMAKE_POSITION_INDEPENDENT_CODE=ON to link them into a shared library.
include(CMakePackageConfigHelpers)

set(EARSHOT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/earshot)
set(EARSHOT_PKGCONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# Headers: the core's folders always, the others with their part. synth/
# (demo data sets) is not installed.
set(EARSHOT_INSTALL_HEADER_DIRS util audio features data eval)
set(EARSHOT_INSTALL_TARGETS earshot_core)
if(EARSHOT_WITH_PLOTS)
  list(APPEND EARSHOT_INSTALL_HEADER_DIRS plots report)
  list(APPEND EARSHOT_INSTALL_TARGETS earshot_plots)
  set_target_properties(earshot_plots PROPERTIES EXPORT_NAME plots)
endif()
if(EARSHOT_WITH_TORCH)
  list(APPEND EARSHOT_INSTALL_HEADER_DIRS models training inference)
  list(APPEND EARSHOT_INSTALL_TARGETS earshot_ml earshot_api)
  set_target_properties(earshot_ml PROPERTIES EXPORT_NAME ml)
  install(FILES include/earshot/earshot.h include/earshot/c_api.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/earshot)
endif()
set_target_properties(earshot_core PROPERTIES EXPORT_NAME core)
foreach(dir ${EARSHOT_INSTALL_HEADER_DIRS})
  install(DIRECTORY include/earshot/${dir} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/earshot)
endforeach()

install(TARGETS ${EARSHOT_INSTALL_TARGETS} EXPORT earshotTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS earshot RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT earshotTargets NAMESPACE earshot:: DESTINATION ${EARSHOT_CMAKE_DIR})

# The package config finds the dependencies the static libraries link
# (cmake/earshotConfig.cmake.in) and says which parts were built.
configure_package_config_file(cmake/earshotConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/earshotConfig.cmake
                              INSTALL_DESTINATION ${EARSHOT_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/earshotConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/earshotConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/earshotConfigVersion.cmake
        DESTINATION ${EARSHOT_CMAKE_DIR})

# pkg-config. Static libraries: every dependency is in Requires/Libs, so a
# plain `pkg-config --libs` links. The prefix is found from the .pc file's
# own folder, so `cmake --install --prefix` anywhere works.
file(RELATIVE_PATH EARSHOT_PKGCONFIG_TO_PREFIX "/prefix/${EARSHOT_PKGCONFIG_DIR}" "/prefix")
configure_file(cmake/earshot-core.pc.in ${CMAKE_CURRENT_BINARY_DIR}/earshot-core.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/earshot-core.pc DESTINATION ${EARSHOT_PKGCONFIG_DIR})
if(EARSHOT_WITH_TORCH)
  # LibTorch has no pkg-config file: its include folders and libraries
  # from its CMake package.
  get_target_property(EARSHOT_TORCH_LOCATION torch IMPORTED_LOCATION)
  if(NOT EARSHOT_TORCH_LOCATION)
    get_target_property(EARSHOT_TORCH_LOCATION torch IMPORTED_LOCATION_RELEASE)
  endif()
  get_filename_component(EARSHOT_TORCH_LIBDIR "${EARSHOT_TORCH_LOCATION}" DIRECTORY)
  set(EARSHOT_TORCH_CFLAGS "")
  foreach(dir ${TORCH_INCLUDE_DIRS})
    string(APPEND EARSHOT_TORCH_CFLAGS " -I${dir}")
  endforeach()
  configure_file(cmake/earshot.pc.in ${CMAKE_CURRENT_BINARY_DIR}/earshot.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/earshot.pc DESTINATION ${EARSHOT_PKGCONFIG_DIR})
endif()
